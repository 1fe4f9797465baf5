package io.warren.management.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty: decides on each request from its head (limits, then the
 * {@link RequestGate}), aggregates the admitted ones, splits the raw path into percent-decoded
 * segments and hands the request to one function. One client cannot hold it: the request head
 * and pauses have deadlines and connections are capped ({@link HttpLimits}). Requests run on the
 * server's own two event-loop threads, never on the broker's; handlers may block briefly (a
 * connection's channel list is read on that connection's loop).
 */
public final class HttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  private final String name;
  private final HttpLimits limits;
  private final RequestGate gate;
  private final Function<ApiRequest, ApiResponse> handler;
  private EventLoopGroup group;
  private Channel listener;

  public HttpServer(String name, Function<ApiRequest, ApiResponse> handler) {
    this(name, HttpLimits.DEFAULTS, RequestGate.OPEN, handler);
  }

  public HttpServer(String name, HttpLimits limits, RequestGate gate, Function<ApiRequest, ApiResponse> handler) {
    this.name = name;
    this.limits = limits;
    this.gate = gate;
    this.handler = handler;
  }

  /** Binds and returns the port (a free one when {@code port} is 0). */
  public synchronized int start(String bindAddress, int port) {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .handler(new ConnectionLimit(limits.maxConnections()))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(
                RequestTimeouts.idleClock(limits),
                new HttpServerCodec(HttpLimits.MAX_REQUEST_LINE, HttpLimits.MAX_HEADER_BYTES, 8192),
                new RequestTimeouts(limits.requestTimeout()),
                new RequestAdmission(gate, (r, channel) -> request(r, new byte[0], channel), limits.maxBodySize()),
                new BodyAggregator(limits.maxBodySize()),
                new RequestHandler());
          }
        });
    try {
      listener = bootstrap.bind(new InetSocketAddress(bindAddress, port)).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new IllegalStateException("interrupted while binding " + name, e);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("cannot listen for " + name + " on " + bindAddress + ":" + port + ": "
          + e.getMessage(), e);
    }
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  @Override
  public synchronized void close() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
      listener = null;
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
      group = null;
    }
  }

  /** "/api/queues/%2F/q" → ["api", "queues", "/", "q"]; "+" stays "+" in a path. */
  static List<String> segments(String rawPath) {
    // Empty segments inside the path are kept: "/api/bindings/%2F/e//q/q1" names the default exchange.
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    List<String> segments = new ArrayList<>();
    if (path.isEmpty()) {
      return segments;
    }
    for (String s : path.split("/", -1)) {
      segments.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
    }
    return segments;
  }

  private static ApiRequest request(HttpRequest request, byte[] body, Channel channel) {
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    Map<String, String> headers = new LinkedHashMap<>();
    request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    InetAddress remote = channel != null && channel.remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress() : null;
    return new ApiRequest(request.method().name(), segments(uri.rawPath()), uri.parameters(), headers, body, remote);
  }

  /** Aggregates admitted requests; a chunked body that outgrows the limit is answered 400 (RabbitMQ's answer) and closed. */
  private static final class BodyAggregator extends HttpObjectAggregator {

    BodyAggregator(int maxBodySize) {
      super(maxBodySize);
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      ctx.writeAndFlush(HttpResponses.of(HttpResponses.bodyTooLarge(), false))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ApiResponse response;
      try {
        byte[] body = new byte[request.content().readableBytes()];
        request.content().readBytes(body);
        response = handler.apply(request(request, body, ctx.channel()));
      } catch (RuntimeException e) {
        LOG.warn("{}: {} {} failed", name, request.method(), request.uri(), e);
        response = HttpResponses.internalError();
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      if (keepAlive) {
        ctx.writeAndFlush(HttpResponses.of(response, true));
      } else {
        ctx.writeAndFlush(HttpResponses.of(response, false)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("{}: connection failed", name, cause);
      ctx.close();
    }
  }
}
