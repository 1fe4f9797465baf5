package io.warren.broker;

/** The root object: owns the listener, the vhosts and the store. (Skeleton; being written.) */
public final class Broker {

  private final BrokerConfig config;
  private volatile int port = -1;

  public Broker(BrokerConfig config) {
    this.config = config;
  }

  public void start() {
    throw new UnsupportedOperationException("not yet");
  }

  public int port() {
    return port;
  }

  public void stop() {
  }

  public BrokerConfig config() {
    return config;
  }
}
