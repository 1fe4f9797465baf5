package io.warren.stomp;

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
import io.netty.handler.codec.stomp.StompSubframeAggregator;
import io.netty.handler.codec.stomp.StompSubframeDecoder;
import io.netty.handler.codec.stomp.StompSubframeEncoder;
import io.warren.broker.Broker;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STOMP listener of a running broker, as RabbitMQ's rabbitmq_stomp plugin serves it:
 *
 * <pre>{@code
 * try (StompServer stomp = StompServer.start(broker, "127.0.0.1", 0, StompSettings.defaults())) {
 *   // stomp.py: stomp.Connection([("127.0.0.1", stomp.port())], vhost="/")
 * }
 * }</pre>
 */
public final class StompServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StompServer.class);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel listener;

  private StompServer(EventLoopGroup acceptor, EventLoopGroup workers, Channel listener) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.listener = listener;
  }

  /** Starts listening on {@code port} (0 picks a free one, see {@link #port()}). */
  public static StompServer start(Broker broker, String bindAddress, int port, StompSettings settings) {
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
            ch.pipeline().addLast("stomp-decoder", new StompSubframeDecoder(64 * 1024, 64 * 1024));
            ch.pipeline().addLast("stomp-aggregator", new StompSubframeAggregator(settings.maxFrameSize()));
            ch.pipeline().addLast("stomp-encoder", new StompSubframeEncoder());
            ch.pipeline().addLast("stomp", new StompConnection(broker, settings));
          }
        });
    try {
      Channel listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
      StompServer server = new StompServer(acceptor, workers, listener);
      LOG.info("STOMP listener on {}:{}", bindAddress, server.port());
      return server;
    } catch (Exception e) {
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot listen for STOMP on " + bindAddress + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /** The port the STOMP listener is bound to. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
