package io.warren.broker;

import java.nio.file.Path;

/**
 * Warren started inside another program, typically a JUnit test:
 *
 * <pre>{@code
 * try (EmbeddedBroker broker = EmbeddedBroker.start(tempDir)) {
 *   ConnectionFactory cf = new ConnectionFactory();
 *   cf.setPort(broker.port());
 *   ...
 * }
 * }</pre>
 *
 * The broker listens on loopback on a free port and keeps its data in the folder given.
 */
public final class EmbeddedBroker implements AutoCloseable {

  private final Broker broker;

  private EmbeddedBroker(Broker broker) {
    this.broker = broker;
  }

  /** Starts a broker on a free loopback port with its data in {@code dataDir}. */
  public static EmbeddedBroker start(Path dataDir) {
    return start(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir));
  }

  /**
   * Starts a broker on a free loopback port with no data folder: nothing touches the disk, and
   * durable definitions and persistent messages last only as long as the broker.
   */
  public static EmbeddedBroker startInMemory() {
    return start(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withoutDataDir());
  }

  /** Starts a broker with the given configuration (port 0 picks a free port). */
  public static EmbeddedBroker start(BrokerConfig config) {
    Broker broker = new Broker(config);
    broker.start();
    return new EmbeddedBroker(broker);
  }

  /** The port the AMQP listener is bound to. */
  public int port() {
    return broker.port();
  }

  /** The running broker, for tests that inspect its state. */
  public Broker broker() {
    return broker;
  }

  /** An {@code amqp://guest:guest@127.0.0.1:port} URI for clients. */
  public String amqpUri() {
    return "amqp://guest:guest@127.0.0.1:" + port();
  }

  @Override
  public void close() {
    broker.stop();
  }
}
