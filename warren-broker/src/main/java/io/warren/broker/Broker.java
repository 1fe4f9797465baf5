package io.warren.broker;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.PermissionRegistry;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.auth.UserRegistry;
import io.warren.broker.cluster.ClusterView;
import io.warren.broker.cluster.MetadataStore;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.connection.ReadCoalescing;
import io.warren.broker.durable.DefinitionsRecovery;
import io.warren.broker.durable.DurableDefinitions;
import io.warren.broker.tls.ServerTls;
import io.warren.broker.vhost.VirtualHostRegistry;
import io.warren.codec.FrameDecoder;
import io.warren.codec.ProtocolConstants;
import io.warren.store.MessageStore;
import io.warren.store.StoreException;
import io.warren.store.StoreOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The root object: owns the AMQP listener, the users and vhosts, and the live connections.
 * {@link #start()} binds the port; {@link #stop()} closes connections and releases threads.
 */
public final class Broker implements BrokerContext {

  private static final Logger LOG = LoggerFactory.getLogger(Broker.class);

  /**
   * Largest TCP segment the broker sends or asks to receive. Over a network the MTU keeps
   * segments far smaller; this matters on loopback, whose 64 KiB segments can stall a local
   * consumer for good: a client with a fixed 128 KiB receive buffer (PerfTest's) can hold only
   * one such segment, drops the next, and from then on gets one segment per 200 ms
   * retransmission timeout (~320 KB/s). 16 KiB segments keep several in flight.
   */
  static final int MAX_SEGMENT_SIZE = 16_384;
  /** RabbitMQ's ssl_handshake_timeout: a TLS client must finish its handshake within 5 s. */
  private static final long TLS_HANDSHAKE_TIMEOUT_MS = 5_000;
  /** setsockopt(IPPROTO_TCP, TCP_MAXSEG), inherited by accepted sockets on Linux. */
  private static final ChannelOption<Integer> TCP_MAXSEG =
      new io.netty.channel.unix.IntegerUnixChannelOption("TCP_MAXSEG", 6, 2);

  /**
   * Event-loop threads: as configured, else one per two cores (at least one). A loop serves many
   * connections, and a publisher and a consumer that share one hand messages over without waking
   * another thread: sleeping and waking threads was a third of the broker's CPU, and one loop
   * instead of two cut CPU per message by ~28% (16-byte) and ~12% (1 KB) in PerfTest 1/1 on
   * 2 cores, at an equal or better rate. The other cores are left to GC, JIT, the store and,
   * often, the clients.
   */
  static int ioThreads(BrokerConfig config) {
    return config.ioThreads() > 0 ? config.ioThreads()
        : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  private final BrokerConfig config;
  private final UserRegistry users = new UserRegistry();
  private final VirtualHostRegistry vhosts = new VirtualHostRegistry();
  private final Set<AmqpConnection> connections = ConcurrentHashMap.newKeySet();
  private final PermissionRegistry permissions = new PermissionRegistry();
  private final BrokerDefinitions definitions = new BrokerDefinitions(users, vhosts, permissions, connections);
  private MessageStore store;
  /** Set when this broker is a node of a cluster (before start), else null. */
  private MetadataStore metadataStore;
  private volatile ClusterView clusterView = ClusterView.single(ClusterView.defaultNodeName());
  private DiskMonitor diskMonitor;
  private MemoryMonitor memoryMonitor;

  private EventLoopGroup acceptorGroup;
  private EventLoopGroup ioGroup;
  private Channel listener;
  private Channel sslListener;
  private volatile int port = -1;
  private volatile int sslPort = -1;

  public Broker(BrokerConfig config) {
    this.config = config;
  }

  /**
   * Makes this broker a node of a cluster: from now on topology, users and permissions change
   * through {@code metadata} (call before {@link #start()}). Its durable definitions then come
   * from the cluster's log instead of this node's metadata log, and the cluster creates the
   * default user and vhost once.
   */
  public synchronized void joinCluster(MetadataStore metadata, ClusterView view) {
    this.metadataStore = metadata;
    this.clusterView = view;
    vhosts.setMetadataStore(metadata);
    definitions.commitThrough(metadata);
  }

  /** Names this node (RabbitMQ's node name) when it is not part of a cluster. */
  public synchronized void nameNode(String nodeName) {
    if (metadataStore == null) {
      this.clusterView = ClusterView.single(nodeName);
    }
  }

  /** The cluster's members as this node sees them; a single node is alone and running. */
  public ClusterView cluster() {
    return clusterView;
  }

  /** Opens the data folder (if any), creates the default user/vhost, then binds the AMQP port. */
  public synchronized void start() {
    long started = System.nanoTime();
    // Built first: a missing or unreadable certificate stops the start before anything is opened.
    if (config.sslPort() >= 0 && config.sslOptions() == null) {
      throw new IllegalArgumentException("an AMQPS listener needs ssl_options.certfile and ssl_options.keyfile");
    }
    SslContext tls = config.sslPort() >= 0 ? ServerTls.context(config.sslOptions()) : null;
    DefinitionsRecovery.Summary recovered = config.inMemory()
        ? new DefinitionsRecovery.Summary(0, 0, 0, 0, 0) : openStore();
    if (recovered.users() == 0 && metadataStore == null) {
      // As RabbitMQ: the default user and vhost are created on first start only, so an
      // operator who deletes guest does not see it come back.
      this.definitions.putUser(new User(config.defaultUser(), PasswordHash.of(config.defaultPassword()),
          Set.of("administrator")));
      this.definitions.addVhost(config.defaultVhost(), new BrokerDefinitions.VhostMetadata("Default virtual host",
          List.of()));
      this.definitions.setPermissions(config.defaultUser(), config.defaultVhost(), Permissions.FULL);
    }

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory(0, ReadCoalescing.factory())
        : NioIoHandler.newFactory(SelectorProvider.provider(), ReadCoalescing.factory());
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class
        : NioServerSocketChannel.class;
    acceptorGroup = new MultiThreadIoEventLoopGroup(1, io);
    ioGroup = new MultiThreadIoEventLoopGroup(ioThreads(config), io);

    listener = bind(serverChannel, epoll, config.port(), null);
    port = ((InetSocketAddress) listener.localAddress()).getPort();
    if (tls != null) {
      sslListener = bind(serverChannel, epoll, config.sslPort(), tls);
      sslPort = ((InetSocketAddress) sslListener.localAddress()).getPort();
    }
    if (store != null) {
      diskMonitor = new DiskMonitor(store, this, config.diskFreeLimit());
      diskMonitor.start(acceptorGroup.next());
    }
    memoryMonitor = new MemoryMonitor(this, config.effectiveMemoryLimit());
    memoryMonitor.start(acceptorGroup.next());
    if (sslPort >= 0) {
      LOG.info("AMQPS (TLS) listener on {}:{}", config.bindAddress(), sslPort);
    }
    LOG.info("Warren started on {}:{} ({}, data in {}) in {} ms; recovered {} exchanges, {} queues, {} bindings, "
        + "{} messages", config.bindAddress(), port, epoll ? "epoll" : "nio", config.inMemory() ? "memory only"
        : config.dataDir().toAbsolutePath(),
        (System.nanoTime() - started) / 1_000_000, recovered.exchanges(), recovered.queues(), recovered.bindings(),
        recovered.messages());
  }

  /**
   * Binds one AMQP listener; with {@code tls}, every connection starts with a TLS handshake
   * (RabbitMQ's ssl_handshake_timeout of 5 s) before the AMQP protocol header.
   */
  private Channel bind(Class<? extends ServerChannel> serverChannel, boolean epoll, int port, SslContext tls) {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptorGroup, ioGroup)
        .channel(serverChannel)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              SslHandler handler = tls.newHandler(ch.alloc());
              handler.setHandshakeTimeoutMillis(TLS_HANDSHAKE_TIMEOUT_MS);
              ch.pipeline().addLast("tls", handler);
            }
            // Until tune-ok settles frame-max, RabbitMQ accepts frames up to the spec's minimum only.
            FrameDecoder decoder = new FrameDecoder(ProtocolConstants.FRAME_MIN_SIZE);
            ch.pipeline().addLast("frames", decoder);
            ch.pipeline().addLast("amqp", new AmqpConnection(Broker.this, decoder));
          }
        });
    if (epoll) {
      bootstrap.option(TCP_MAXSEG, MAX_SEGMENT_SIZE);
    }
    try {
      return bootstrap.bind(new InetSocketAddress(config.bindAddress(), port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding", e);
    } catch (Exception e) {
      stop();
      throw new IllegalStateException("cannot listen on " + config.bindAddress() + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /**
   * Opens the data folder, restores durable definitions and messages from it and records
   * changes there from now on. Not called for a broker without a data folder: its vhosts keep
   * {@link io.warren.broker.vhost.Persistence#NONE}, so durable declares work but nothing outlives it.
   */
  private DefinitionsRecovery.Summary openStore() {
    try {
      Files.createDirectories(config.dataDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create data folder " + config.dataDir(), e);
    }
    store = MessageStore.open(config.dataDir(), StoreOptions.defaults());
    DurableDefinitions durable = new DurableDefinitions(store);
    vhosts.setPersistence(durable);
    if (metadataStore != null) {
      durable.keepQueueLogsOnly(); // the cluster's state machine re-creates the definitions
      return new DefinitionsRecovery.Summary(0, 0, 0, 0, 0);
    }
    DefinitionsRecovery.Summary recovered = DefinitionsRecovery.restore(durable, this.definitions, vhosts, store);
    this.definitions.recordTo(durable);
    return recovered;
  }

  /** The port the AMQP listener is bound to (useful after starting on port 0). */
  public int port() {
    return port;
  }

  /** The port the AMQPS (TLS) listener is bound to, or -1 when there is none. */
  public int sslPort() {
    return sslPort;
  }

  /** Closes the listener and every connection, then stops the threads. Idempotent. */
  public synchronized void stop() {
    if (diskMonitor != null) {
      diskMonitor.stop();
      diskMonitor = null;
    }
    if (memoryMonitor != null) {
      memoryMonitor.stop();
      memoryMonitor = null;
    }
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
    if (sslListener != null) {
      sslListener.close().syncUninterruptibly();
      sslListener = null;
    }
    for (AmqpConnection c : connections) {
      c.forceClose("broker forced connection closure with reason 'shutdown'");
    }
    if (ioGroup != null) {
      ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      ioGroup = null;
    }
    if (acceptorGroup != null) {
      acceptorGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      acceptorGroup = null;
    }
    if (store != null) {
      store.close(); // after the event loops: nothing appends any more
      store = null;
    }
  }

  @Override
  public MessageStore store() {
    return store;
  }

  @Override
  public boolean publishingBlocked() {
    return diskAlarm() || memoryAlarm();
  }

  @Override
  public String blockedReason() {
    boolean memory = memoryAlarm();
    boolean disk = diskAlarm();
    return memory && disk ? "low on memory & disk" : memory ? "low on memory" : "low on disk";
  }

  @Override
  public void storeWriteFailed(StoreException failure, long bytes) {
    DiskMonitor monitor = diskMonitor;
    if (failure.isOutOfSpace() && monitor != null) {
      monitor.outOfSpace(bytes);
    } else {
      LOG.error("a message could not be written to the store", failure);
    }
  }

  /** True while free disk space is below the limit (RabbitMQ's disk_free_alarm). */
  public boolean diskAlarm() {
    DiskMonitor monitor = diskMonitor;
    return monitor != null && monitor.alarm();
  }

  /** True while the live heap is above the memory limit (RabbitMQ's mem_alarm). */
  public boolean memoryAlarm() {
    MemoryMonitor monitor = memoryMonitor;
    return monitor != null && monitor.alarm();
  }

  /** The memory limit in bytes (RabbitMQ's mem_limit). */
  public long memoryLimit() {
    MemoryMonitor monitor = memoryMonitor;
    return monitor != null ? monitor.limit() : config.effectiveMemoryLimit();
  }

  /** Changes the memory limit at runtime (RabbitMQ's set_vm_memory_high_watermark). */
  public void setMemoryLimit(long bytes) {
    memoryMonitor.setLimit(bytes);
  }

  /** Changes the free-disk limit at runtime (RabbitMQ's set_disk_free_limit). */
  public void setDiskFreeLimit(long bytes) {
    diskMonitor.setLimit(bytes);
  }

  @Override
  public BrokerConfig config() {
    return config;
  }

  @Override
  public UserRegistry users() {
    return users;
  }

  @Override
  public VirtualHostRegistry vhosts() {
    return vhosts;
  }

  @Override
  public PermissionRegistry permissions() {
    return permissions;
  }

  /** Where users, vhosts and permissions are changed (management, definitions import). */
  public BrokerDefinitions definitions() {
    return definitions;
  }

  @Override
  public Set<AmqpConnection> connections() {
    return connections;
  }
}
