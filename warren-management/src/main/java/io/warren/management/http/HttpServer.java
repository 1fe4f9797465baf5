package io.warren.management.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
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
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP/1.1 server on Netty: aggregates each request, splits its raw path into
 * percent-decoded segments and hands it to one function. Requests run on the server's own two
 * event-loop threads, never on the broker's; handlers may block briefly (a connection's channel
 * list is read on that connection's loop).
 */
public final class HttpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);

  /** Large enough for a definitions import of many thousands of queues. */
  private static final int MAX_BODY = 64 * 1024 * 1024;

  private final String name;
  private final Function<ApiRequest, ApiResponse> handler;
  private EventLoopGroup group;
  private Channel listener;

  public HttpServer(String name, Function<ApiRequest, ApiResponse> handler) {
    this.name = name;
    this.handler = handler;
  }

  /** Binds and returns the port (a free one when {@code port} is 0). */
  public int start(String bindAddress, int port) {
    return start(bindAddress, port, null);
  }

  /** Like {@link #start(String, int)}, serving HTTPS when {@code tls} is not null. */
  public synchronized int start(String bindAddress, int port, SslContext tls) {
    group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (tls != null) {
              ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
            }
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY), new RequestHandler());
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

  private final class RequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      ApiResponse response;
      try {
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Map<String, String> headers = new LinkedHashMap<>();
        request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
        byte[] body = new byte[request.content().readableBytes()];
        request.content().readBytes(body);
        InetAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        response = handler.apply(new ApiRequest(request.method().name(), segments(uri.rawPath()), uri.parameters(),
            headers, body, remote));
      } catch (RuntimeException e) {
        LOG.warn("{}: {} {} failed", name, request.method(), request.uri(), e);
        response = ApiResponse.text(500, ApiResponse.JSON,
            "{\"error\":\"internal_server_error\",\"reason\":\"" + e.getClass().getSimpleName() + "\"}");
      }
      FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
          HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
      if (response.contentType() != null) {
        out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
      }
      response.headers().forEach((k, v) -> out.headers().set(k, v));
      HttpUtil.setContentLength(out, response.body().length);
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(out, keepAlive);
      if (keepAlive) {
        ctx.writeAndFlush(out);
      } else {
        ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      LOG.debug("{}: connection failed", name, cause);
      ctx.close();
    }
  }
}
