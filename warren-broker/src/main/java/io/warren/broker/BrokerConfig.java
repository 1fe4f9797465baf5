package io.warren.broker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything an operator can set, with its default, in one place. Built by the server from
 * flags and a rabbitmq.conf-style file, or by tests and embedders with the {@code with*} methods.
 *
 * @param bindAddress      address the AMQP listener binds to; default all interfaces
 * @param port             AMQP port; 0 picks a free port (see {@link Broker#port()}); default 5672
 * @param dataDir          folder for durable state; default {@code ./data}
 * @param defaultUser      user created on first start; default guest
 * @param defaultPassword  password of the default user; default guest
 * @param defaultVhost     vhost created on first start; default "/"
 * @param heartbeat        heartbeat the server proposes in connection.tune; default 60 s as RabbitMQ
 * @param frameMax         largest frame the server accepts, proposed in connection.tune; default 131072
 * @param channelMax       most channels per connection, proposed in connection.tune; default 2047
 * @param loopbackOnlyUsers whether the default user may connect only from loopback, as in RabbitMQ
 * @param ioThreads        Netty event-loop threads; 0 means one per core
 */
public record BrokerConfig(
    String bindAddress,
    int port,
    Path dataDir,
    String defaultUser,
    String defaultPassword,
    String defaultVhost,
    Duration heartbeat,
    int frameMax,
    int channelMax,
    boolean loopbackOnlyUsers,
    int ioThreads) {

  public static final int DEFAULT_PORT = 5672;
  public static final String DEFAULT_DATA_DIR = "data";
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
  public static final int DEFAULT_FRAME_MAX = 131_072;
  public static final int DEFAULT_CHANNEL_MAX = 2047;

  /** The defaults a plain {@code bin/warren} runs with. */
  public static BrokerConfig defaults() {
    return new BrokerConfig("0.0.0.0", DEFAULT_PORT, Path.of(DEFAULT_DATA_DIR), "guest", "guest", "/",
        DEFAULT_HEARTBEAT, DEFAULT_FRAME_MAX, DEFAULT_CHANNEL_MAX, true, 0);
  }

  public BrokerConfig withBindAddress(String value) {
    return new BrokerConfig(value, port, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
        frameMax, channelMax, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withPort(int value) {
    return new BrokerConfig(bindAddress, value, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
        frameMax, channelMax, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withDataDir(Path value) {
    return new BrokerConfig(bindAddress, port, value, defaultUser, defaultPassword, defaultVhost, heartbeat,
        frameMax, channelMax, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withHeartbeat(Duration value) {
    return new BrokerConfig(bindAddress, port, dataDir, defaultUser, defaultPassword, defaultVhost, value,
        frameMax, channelMax, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withFrameMax(int value) {
    return new BrokerConfig(bindAddress, port, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
        value, channelMax, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withChannelMax(int value) {
    return new BrokerConfig(bindAddress, port, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
        frameMax, value, loopbackOnlyUsers, ioThreads);
  }

  public BrokerConfig withLoopbackOnlyUsers(boolean value) {
    return new BrokerConfig(bindAddress, port, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
        frameMax, channelMax, value, ioThreads);
  }
}
