package io.warren.mqtt;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.warren.broker.Broker;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT listener of a running broker, as RabbitMQ's rabbitmq_mqtt plugin serves it:
 *
 * <pre>{@code
 * try (MqttServer mqtt = MqttServer.start(broker, "127.0.0.1", 0, MqttSettings.defaults())) {
 *   // mosquitto_pub -p mqtt.port() -t sensors/1 -m 21.5
 * }
 * }</pre>
 */
public final class MqttServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MqttServer.class);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel listener;
  private final MqttContext context;

  private MqttServer(EventLoopGroup acceptor, EventLoopGroup workers, Channel listener, MqttContext context) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.listener = listener;
    this.context = context;
  }

  /** Starts listening on {@code port} (0 picks a free one, see {@link #port()}). */
  public static MqttServer start(Broker broker, String bindAddress, int port, MqttSettings settings) {
    MqttContext context = new MqttContext(broker, settings);
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    EventLoopGroup workers = new MultiThreadIoEventLoopGroup(
        Math.max(1, Runtime.getRuntime().availableProcessors() / 2), NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(acceptor, workers)
        .channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketSize()));
            ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
            ch.pipeline().addLast("mqtt", new MqttConnection(context));
          }
        });
    try {
      Channel listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
      MqttServer server = new MqttServer(acceptor, workers, listener, context);
      LOG.info("MQTT listener on {}:{} (vhost '{}', exchange '{}')", bindAddress, server.port(),
          settings.vhost(), settings.exchange());
      return server;
    } catch (Exception e) {
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot listen for MQTT on " + bindAddress + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /** The port the MQTT listener is bound to. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Connected MQTT clients. */
  public int clientCount() {
    return context.clientCount();
  }

  /** Stops listening and closes every MQTT connection (their will messages are not published). */
  @Override
  public void close() {
    context.stopping();
    listener.close().syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
