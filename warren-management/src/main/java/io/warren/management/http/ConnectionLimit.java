package io.warren.management.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * On a listening channel: stops accepting while {@code max} accepted connections are open, as
 * ranch's max_connections does for RabbitMQ's cowboy. Clients beyond the limit wait in the
 * kernel's listen backlog, where they hold none of the process's file handles, and are accepted
 * as soon as a served connection closes (closing is what the timeouts guarantee).
 */
@ChannelHandler.Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {

  private final int max;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimit(int max) {
    this.max = max;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel listener = ctx.channel();
    Channel accepted = (Channel) msg;
    if (open.incrementAndGet() >= max) {
      listener.config().setAutoRead(false);
    }
    accepted.closeFuture().addListener(f -> {
      if (open.decrementAndGet() < max) {
        listener.config().setAutoRead(true);
      }
    });
    ctx.fireChannelRead(msg);
  }

  /** Connections being served now. */
  int open() {
    return open.get();
  }
}
