package io.warren.management.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes connections that hold the server without using it, with cowboy's three timeouts
 * (RabbitMQ's management.tcp.*): the request head (line and headers) must arrive within
 * {@code request_timeout} of the connection opening or the previous response going out, however
 * slowly it trickles in; a started body may pause at most {@code idle_timeout}; and a
 * connection with no traffic either way for {@code inactivity_timeout} is closed. Sits after the
 * HTTP codec, which tells it where requests begin and end; the idle and inactivity clocks come
 * from an {@link IdleStateHandler} in front of the codec.
 */
final class RequestTimeouts extends ChannelDuplexHandler {

  private final long requestTimeoutNanos;
  private ScheduledFuture<?> headDeadline;
  /** Between a request head and the end of its body: the idle timeout applies. */
  private boolean readingBody;

  RequestTimeouts(Duration requestTimeout) {
    this.requestTimeoutNanos = requestTimeout.toNanos();
  }

  /** The handler that raises the idle events this one acts on; goes before the codec. */
  static IdleStateHandler idleClock(HttpLimits limits) {
    return new IdleStateHandler(limits.idleTimeout().toNanos(), 0, limits.inactivityTimeout().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (ctx.channel().isActive()) {
      awaitHead(ctx);
    }
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    awaitHead(ctx);
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelHeadDeadline();
    ctx.fireChannelInactive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest) {
      cancelHeadDeadline();
      readingBody = true;
    }
    if (msg instanceof LastHttpContent) {
      readingBody = false;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      // the response is complete: the next request's head is due within request_timeout
      promise = promise.unvoid();
      promise.addListener(f -> {
        if (ctx.channel().isActive()) {
          awaitHead(ctx);
        }
      });
    }
    ctx.write(msg, promise);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent idle) {
      if (idle.state() == IdleState.ALL_IDLE || (idle.state() == IdleState.READER_IDLE && readingBody)) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void awaitHead(ChannelHandlerContext ctx) {
    cancelHeadDeadline();
    headDeadline = ctx.executor().schedule(() -> ctx.close(), requestTimeoutNanos, TimeUnit.NANOSECONDS);
  }

  private void cancelHeadDeadline() {
    if (headDeadline != null) {
      headDeadline.cancel(false);
      headDeadline = null;
    }
  }
}
