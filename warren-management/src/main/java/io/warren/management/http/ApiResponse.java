package io.warren.management.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What a route answers: status, content type, body bytes and extra headers. */
public record ApiResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

  public static final String JSON = "application/json";

  public static ApiResponse json(int status, byte[] body) {
    return new ApiResponse(status, JSON, body, Map.of());
  }

  /** 204 No Content (RabbitMQ's answer to a successful PUT of something that existed, or a DELETE). */
  public static ApiResponse noContent() {
    return new ApiResponse(204, null, new byte[0], Map.of());
  }

  /** 201 Created (a PUT or POST that made something new). */
  public static ApiResponse created() {
    return new ApiResponse(201, null, new byte[0], Map.of());
  }

  public static ApiResponse text(int status, String contentType, String body) {
    return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  public ApiResponse withHeader(String name, String value) {
    Map<String, String> all = new java.util.LinkedHashMap<>(headers);
    all.put(name, value);
    return new ApiResponse(status, contentType, body, all);
  }
}
