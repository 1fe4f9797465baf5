package io.warren.management.http;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.LinkedHashMap;
import java.util.Map;

/** The server's own answers, and an {@link ApiResponse} as Netty's response. */
final class HttpResponses {

  private HttpResponses() {
  }

  static FullHttpResponse of(ApiResponse response, boolean keepAlive) {
    FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
    if (response.contentType() != null) {
      out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
    }
    response.headers().forEach((k, v) -> out.headers().set(k, v));
    HttpUtil.setContentLength(out, response.body().length);
    HttpUtil.setKeepAlive(out, keepAlive);
    return out;
  }

  /** A status with no body, as cowboy answers requests it cannot parse (400, 414, 431). */
  static ApiResponse empty(int status) {
    return new ApiResponse(status, null, new byte[0], Map.of());
  }

  /** A body over the limit, declared or sent: RabbitMQ's reason, refused before it is read. */
  static ApiResponse bodyTooLarge() {
    // RabbitMQ's status for it, not 413: clients written against it look for 400
    return ApiResponse.json(400, errorBody("bad_request", "Exceeded HTTP request body size limit"));
  }

  /** A handler failed: no exception text goes to the client (it is in the log). */
  static ApiResponse internalError() {
    return ApiResponse.json(500, errorBody("internal_server_error", "Internal Server Error"));
  }

  /** RabbitMQ's error body, its two fields in RabbitMQ's order. */
  private static byte[] errorBody(String error, String reason) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", error);
    body.put("reason", reason);
    return Json.write(body);
  }
}
