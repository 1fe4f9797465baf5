package io.warren.management.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.channel.Channel;
import java.util.function.BiFunction;

/**
 * Decides on each request from its head alone, before any body byte is kept: a request the
 * codec could not read is answered 414 (request line too long), 431 (headers too large) or 400;
 * one the {@link RequestGate} refuses (credentials, access, unknown path) gets the gate's answer;
 * then a declared body over the limit gets 400 (as RabbitMQ). A refused request's body is never read into memory:
 * what arrives of it is dropped, and a connection that still had a body to send is closed after
 * the answer. Admitted requests go on to the body aggregator.
 */
final class RequestAdmission extends ChannelInboundHandlerAdapter {

  private final RequestGate gate;
  private final BiFunction<HttpRequest, Channel, ApiRequest> head;
  private final int maxBodySize;
  /** Dropping the rest of a refused request, up to its last content. */
  private boolean discarding;

  RequestAdmission(RequestGate gate, BiFunction<HttpRequest, Channel, ApiRequest> head, int maxBodySize) {
    this.gate = gate;
    this.head = head;
    this.maxBodySize = maxBodySize;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      ApiResponse refusal = refusal(request, ctx.channel());
      if (refusal != null) {
        boolean bodyFollows = !(msg instanceof LastHttpContent)
            && (HttpUtil.isTransferEncodingChunked(request) || HttpUtil.getContentLength(request, 0L) > 0);
        boolean close = bodyFollows || !request.decoderResult().isSuccess() || !HttpUtil.isKeepAlive(request);
        discarding = !(msg instanceof LastHttpContent);
        ReferenceCountUtil.release(msg);
        var written = ctx.writeAndFlush(HttpResponses.of(refusal, !close));
        if (close) {
          written.addListener(ChannelFutureListener.CLOSE);
        }
        return;
      }
      discarding = false;
    } else if (discarding && msg instanceof HttpContent) {
      discarding = !(msg instanceof LastHttpContent);
      ReferenceCountUtil.release(msg);
      return;
    }
    ctx.fireChannelRead(msg);
  }

  private ApiResponse refusal(HttpRequest request, Channel channel) {
    DecoderResult decoded = request.decoderResult();
    if (decoded.isFailure()) {
      Throwable cause = decoded.cause();
      int status = cause instanceof TooLongHttpLineException ? 414
          : cause instanceof TooLongHttpHeaderException ? 431 : 400;
      return HttpResponses.empty(status);
    }
    // credentials first, as RabbitMQ: a stranger learns nothing, not even the body limit
    ApiResponse refusal = gate.refuse(head.apply(request, channel));
    if (refusal == null && HttpUtil.getContentLength(request, 0L) > maxBodySize) {
      return HttpResponses.bodyTooLarge();
    }
    return refusal;
  }
}
