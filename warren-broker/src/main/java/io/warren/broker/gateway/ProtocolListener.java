package io.warren.broker.gateway;

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
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A TCP listener of another protocol (MQTT, STOMP) beside the AMQP one: its own acceptor and
 * worker threads, one pipeline per connection set up by the protocol, and a clean stop. The
 * protocols differ only in their pipeline; this is the part they share.
 */
public final class ProtocolListener implements AutoCloseable {

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final Channel listener;

  private ProtocolListener(EventLoopGroup acceptor, EventLoopGroup workers, Channel listener) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.listener = listener;
  }

  /**
   * Listens on {@code port} (0 picks a free one); {@code pipeline} adds each new connection's
   * handlers. {@code protocol} names it in the error when the port cannot be bound.
   */
  public static ProtocolListener bind(String protocol, String bindAddress, int port,
      Consumer<SocketChannel> pipeline) {
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
            pipeline.accept(ch);
          }
        });
    try {
      Channel listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
      return new ProtocolListener(acceptor, workers, listener);
    } catch (Exception e) {
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot listen for " + protocol + " on " + bindAddress + ":" + port + ": "
          + e.getMessage(), e);
    }
  }

  /** The port it is bound to. */
  public int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Stops listening, closes every connection and stops the threads. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
