package io.warren.management.http;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP request: method, the path split into decoded segments (so "%2F" stays inside its
 * segment), query parameters, a few headers and the body.
 */
public record ApiRequest(String method, List<String> segments, Map<String, List<String>> query,
    Map<String, String> headers, byte[] body, InetAddress remote) {

  /** A query parameter, or null. */
  public String queryParam(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** A header by its lower-case name, or null. */
  public String header(String lowerCaseName) {
    return headers.get(lowerCaseName);
  }

  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** The path as it was asked for, re-joined (for static files). */
  public String path() {
    return "/" + String.join("/", segments);
  }
}
