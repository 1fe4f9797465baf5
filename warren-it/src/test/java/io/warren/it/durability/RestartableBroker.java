package io.warren.it.durability;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.EmbeddedBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * An in-process broker that a test can stop and start again on the same data folder, with the
 * client connections opened against it.
 *
 * <p>{@link #restart()} stops the broker while the test's connections are still open, as a
 * broker going down under its clients would; those connections are dead afterwards, and the test
 * opens new ones. The port changes on every start (port 0), so connections are made through
 * {@link #channel()} rather than a factory kept across a restart.
 */
final class RestartableBroker implements AutoCloseable {

  private final Path dataDir;
  private final List<Connection> connections = new ArrayList<>();
  private EmbeddedBroker broker;

  private RestartableBroker(Path dataDir) {
    this.dataDir = dataDir;
  }

  static RestartableBroker start(Path dataDir) {
    RestartableBroker b = new RestartableBroker(dataDir);
    b.broker = EmbeddedBroker.start(dataDir);
    return b;
  }

  /** Stops the broker (connections still open) and starts a new one on the same data folder. */
  void restart() {
    stop();
    broker = EmbeddedBroker.start(dataDir);
  }

  /** Like {@link #restart()}, with the broker down for {@code downtimeMillis} in between. */
  void restartAfter(long downtimeMillis) throws InterruptedException {
    stop();
    Thread.sleep(downtimeMillis);
    broker = EmbeddedBroker.start(dataDir);
  }

  /** A new connection to the running broker; it is aborted at the next restart or close. */
  Connection connect() throws IOException {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setHost("127.0.0.1");
    cf.setPort(broker.port());
    cf.setAutomaticRecoveryEnabled(false);
    cf.setTopologyRecoveryEnabled(false);
    try {
      Connection c = cf.newConnection();
      connections.add(c);
      return c;
    } catch (TimeoutException e) {
      throw new IOException(e);
    }
  }

  /** A channel on a new connection. */
  Channel channel() throws IOException {
    return connect().createChannel();
  }

  private void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
    for (Connection c : connections) {
      try {
        c.abort(1000);
      } catch (RuntimeException ignored) {
        // the broker has already closed it
      }
    }
    connections.clear();
  }

  @Override
  public void close() {
    stop();
  }
}
