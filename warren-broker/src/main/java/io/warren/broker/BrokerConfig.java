package io.warren.broker;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything an operator can set, with its default, in one place. Built by the server from
 * flags and a rabbitmq.conf-style file, or by tests and embedders with the {@code with*} methods.
 *
 * @param bindAddress       address the AMQP listener binds to; default all interfaces
 * @param port              AMQP port; 0 picks a free port (see {@link Broker#port()}); default 5672
 * @param dataDir           folder for durable state; default {@code ./data}; null for a broker that
 *                          keeps everything in memory (see {@link #inMemory()})
 * @param defaultUser       user created on first start; default guest
 * @param defaultPassword   password of the default user; default guest
 * @param defaultVhost      vhost created on first start; default "/"
 * @param heartbeat         heartbeat the server proposes in connection.tune; default 60 s as RabbitMQ
 * @param frameMax          largest frame the server accepts, proposed in connection.tune; default 131072
 * @param channelMax        most channels per connection, proposed in connection.tune; default 2047
 * @param loopbackOnlyUsers whether the default user may connect only from loopback, as in RabbitMQ
 * @param ioThreads         Netty event-loop threads; 0 means one per two cores, at least one
 *                          (see Broker#ioThreads for why)
 * @param diskFreeLimit     below this many free bytes on the data folder's disk, publishers are
 *                          blocked (connection.blocked), as RabbitMQ's disk_free_limit; default 50 MB
 * @param memoryLimit       above this many bytes of live heap, publishers are blocked, as with
 *                          RabbitMQ's vm_memory_high_watermark; -1 (the default) means 40 % of
 *                          the JVM's maximum heap, RabbitMQ's 0.4 applied to the memory Warren has
 * @param sendTimeout       a client that reads none of its pending output for this long is
 *                          disconnected, as RabbitMQ's tcp_listen_options.send_timeout; default 30 s
 * @param maxMessageSize    largest message body accepted, as RabbitMQ's max_message_size: a publish
 *                          declaring more closes its channel with 406; default 128 MiB, at most 512 MiB
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
    int ioThreads,
    long diskFreeLimit,
    long memoryLimit,
    Duration sendTimeout,
    long maxMessageSize) {

  public static final int DEFAULT_PORT = 5672;
  public static final String DEFAULT_DATA_DIR = "data";
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(60);
  public static final int DEFAULT_FRAME_MAX = 131_072;
  public static final int DEFAULT_CHANNEL_MAX = 2047;
  public static final long DEFAULT_DISK_FREE_LIMIT = 50_000_000L;
  /** RabbitMQ's listener default (ranch's send_timeout). */
  public static final Duration DEFAULT_SEND_TIMEOUT = Duration.ofSeconds(30);
  /** RabbitMQ's default vm_memory_high_watermark.relative. */
  public static final double DEFAULT_MEMORY_HIGH_WATERMARK = 0.4;
  /** RabbitMQ's default max_message_size (128 MiB). */
  public static final long DEFAULT_MAX_MESSAGE_SIZE = 134_217_728L;
  /** The largest max_message_size RabbitMQ accepts (512 MiB). */
  public static final long MAX_MESSAGE_SIZE_LIMIT = 536_870_912L;

  public BrokerConfig {
    if (maxMessageSize < 1 || maxMessageSize > MAX_MESSAGE_SIZE_LIMIT) {
      throw new IllegalArgumentException("max_message_size must be between 1 and " + MAX_MESSAGE_SIZE_LIMIT
          + ", not " + maxMessageSize);
    }
  }

  /** The defaults a plain {@code bin/warren} runs with. */
  public static BrokerConfig defaults() {
    return new BrokerConfig("0.0.0.0", DEFAULT_PORT, Path.of(DEFAULT_DATA_DIR), "guest", "guest", "/",
        DEFAULT_HEARTBEAT, DEFAULT_FRAME_MAX, DEFAULT_CHANNEL_MAX, true, 0, DEFAULT_DISK_FREE_LIMIT, -1,
        DEFAULT_SEND_TIMEOUT, DEFAULT_MAX_MESSAGE_SIZE);
  }

  public BrokerConfig withBindAddress(String value) {
    return builder().bindAddress(value).build();
  }

  public BrokerConfig withPort(int value) {
    return builder().port(value).build();
  }

  public BrokerConfig withDataDir(Path value) {
    return builder().dataDir(value).build();
  }

  /**
   * No data folder: nothing is read or written on disk. Durable exchanges and queues and
   * persistent messages are accepted as usual but live only as long as the broker; messages are
   * never paged out, and there is no disk alarm. The fastest broker to start, for tests.
   */
  public BrokerConfig withoutDataDir() {
    return builder().dataDir(null).build();
  }

  /** Whether this broker has no data folder (see {@link #withoutDataDir()}). */
  public boolean inMemory() {
    return dataDir == null;
  }

  public BrokerConfig withDefaultUser(String user, String password) {
    return builder().defaultUser(user).defaultPassword(password).build();
  }

  public BrokerConfig withDefaultVhost(String value) {
    return builder().defaultVhost(value).build();
  }

  public BrokerConfig withHeartbeat(Duration value) {
    return builder().heartbeat(value).build();
  }

  public BrokerConfig withFrameMax(int value) {
    return builder().frameMax(value).build();
  }

  public BrokerConfig withChannelMax(int value) {
    return builder().channelMax(value).build();
  }

  public BrokerConfig withLoopbackOnlyUsers(boolean value) {
    return builder().loopbackOnlyUsers(value).build();
  }

  public BrokerConfig withIoThreads(int value) {
    return builder().ioThreads(value).build();
  }

  public BrokerConfig withDiskFreeLimit(long bytes) {
    return builder().diskFreeLimit(bytes).build();
  }

  public BrokerConfig withMemoryLimit(long bytes) {
    return builder().memoryLimit(bytes).build();
  }

  public BrokerConfig withSendTimeout(Duration value) {
    return builder().sendTimeout(value).build();
  }

  public BrokerConfig withMaxMessageSize(long bytes) {
    return builder().maxMessageSize(bytes).build();
  }

  /** The memory limit in bytes: {@link #memoryLimit} or, when that is -1, the default share of the heap. */
  public long effectiveMemoryLimit() {
    return memoryLimit >= 0 ? memoryLimit : heapShare(DEFAULT_MEMORY_HIGH_WATERMARK);
  }

  /** {@code fraction} of the JVM's maximum heap, in bytes: a relative memory watermark. */
  public static long heapShare(double fraction) {
    return (long) (fraction * Runtime.getRuntime().maxMemory());
  }

  private Builder builder() {
    return new Builder(this);
  }

  /** Copies a configuration with some fields changed; keeps the {@code with*} methods one line each. */
  private static final class Builder {
    private String bindAddress;
    private int port;
    private Path dataDir;
    private String defaultUser;
    private String defaultPassword;
    private String defaultVhost;
    private Duration heartbeat;
    private int frameMax;
    private int channelMax;
    private boolean loopbackOnlyUsers;
    private int ioThreads;
    private long diskFreeLimit;
    private long memoryLimit;
    private Duration sendTimeout;
    private long maxMessageSize;

    Builder(BrokerConfig c) {
      bindAddress = c.bindAddress;
      port = c.port;
      dataDir = c.dataDir;
      defaultUser = c.defaultUser;
      defaultPassword = c.defaultPassword;
      defaultVhost = c.defaultVhost;
      heartbeat = c.heartbeat;
      frameMax = c.frameMax;
      channelMax = c.channelMax;
      loopbackOnlyUsers = c.loopbackOnlyUsers;
      ioThreads = c.ioThreads;
      diskFreeLimit = c.diskFreeLimit;
      memoryLimit = c.memoryLimit;
      sendTimeout = c.sendTimeout;
      maxMessageSize = c.maxMessageSize;
    }

    Builder bindAddress(String v) {
      bindAddress = v;
      return this;
    }

    Builder port(int v) {
      port = v;
      return this;
    }

    Builder dataDir(Path v) {
      dataDir = v;
      return this;
    }

    Builder defaultUser(String v) {
      defaultUser = v;
      return this;
    }

    Builder defaultPassword(String v) {
      defaultPassword = v;
      return this;
    }

    Builder defaultVhost(String v) {
      defaultVhost = v;
      return this;
    }

    Builder heartbeat(Duration v) {
      heartbeat = v;
      return this;
    }

    Builder frameMax(int v) {
      frameMax = v;
      return this;
    }

    Builder channelMax(int v) {
      channelMax = v;
      return this;
    }

    Builder loopbackOnlyUsers(boolean v) {
      loopbackOnlyUsers = v;
      return this;
    }

    Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    Builder diskFreeLimit(long v) {
      diskFreeLimit = v;
      return this;
    }

    Builder memoryLimit(long v) {
      memoryLimit = v;
      return this;
    }

    Builder sendTimeout(Duration v) {
      sendTimeout = v;
      return this;
    }

    Builder maxMessageSize(long v) {
      maxMessageSize = v;
      return this;
    }

    BrokerConfig build() {
      return new BrokerConfig(bindAddress, port, dataDir, defaultUser, defaultPassword, defaultVhost, heartbeat,
          frameMax, channelMax, loopbackOnlyUsers, ioThreads, diskFreeLimit, memoryLimit, sendTimeout,
          maxMessageSize);
    }
  }
}
