package io.warren.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base class for black-box tests: one broker per test class, real sockets, RabbitMQ's Java client.
 *
 * <p>By default each test class starts an {@link EmbeddedBroker} on a free loopback port with a
 * fresh data folder. With {@code -Dwarren.test.uri=amqp://guest:guest@127.0.0.1:5690} the same
 * tests run against any other broker instead, which is how their expectations are checked
 * against a real RabbitMQ.
 */
public abstract class BrokerTestSupport {

  private static final String EXTERNAL_URI = System.getProperty("warren.test.uri", "");

  protected static EmbeddedBroker broker;
  private static Path dataDir;
  private final List<Connection> openedConnections = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws IOException {
    if (EXTERNAL_URI.isEmpty()) {
      dataDir = Files.createTempDirectory("warren-test-");
      broker = EmbeddedBroker.start(dataDir);
    }
  }

  @AfterAll
  static void stopBroker() throws IOException {
    if (broker != null) {
      broker.close();
      broker = null;
    }
    if (dataDir != null) {
      deleteRecursively(dataDir);
      dataDir = null;
    }
  }

  @AfterEach
  void closeConnections() {
    for (Connection c : openedConnections) {
      try {
        if (c.isOpen()) {
          c.abort(2000);
        }
      } catch (RuntimeException ignored) {
        // the connection may already be closing because the test provoked an error
      }
    }
    openedConnections.clear();
  }

  /** True when the tests run against an external broker (e.g. RabbitMQ) instead of Warren. */
  protected static boolean external() {
    return !EXTERNAL_URI.isEmpty();
  }

  /** The AMQP URI of the broker under test. */
  protected static String amqpUri() {
    return external() ? EXTERNAL_URI : broker.amqpUri();
  }

  /** A connection factory pointed at the broker under test, with automatic recovery off. */
  protected static ConnectionFactory connectionFactory() {
    ConnectionFactory cf = new ConnectionFactory();
    try {
      cf.setUri(amqpUri());
    } catch (Exception e) {
      throw new IllegalStateException("bad broker URI " + amqpUri(), e);
    }
    cf.setAutomaticRecoveryEnabled(false);
    cf.setTopologyRecoveryEnabled(false);
    return cf;
  }

  /** Opens a connection that is closed after the test. */
  protected Connection connect() {
    try {
      Connection c = connectionFactory().newConnection();
      openedConnections.add(c);
      return c;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Opens a connection with a factory the test has configured; it is closed after the test. */
  protected Connection connect(ConnectionFactory cf) throws Exception {
    Connection c = cf.newConnection();
    openedConnections.add(c);
    return c;
  }

  /** Opens a fresh connection and a channel on it. */
  protected Channel openChannel() throws IOException {
    return connect().createChannel();
  }

  /** A name no other test (or concurrent run against the same external broker) uses. */
  protected static String uniqueName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
