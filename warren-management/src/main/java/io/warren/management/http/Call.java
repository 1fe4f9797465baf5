package io.warren.management.http;

import io.warren.broker.auth.User;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A routed, authenticated request: the path parameters and the user who asks. */
public final class Call {

  private final ApiRequest request;
  private final Map<String, String> params;
  private final User user;
  private Map<String, Object> body;

  Call(ApiRequest request, Map<String, String> params, User user) {
    this.request = request;
    this.params = params;
    this.user = user;
  }

  public ApiRequest request() {
    return request;
  }

  /** A path parameter ("vhost", "name" ...), decoded. */
  public String param(String name) {
    return params.get(name);
  }

  public User user() {
    return user;
  }

  public boolean isAdmin() {
    return user.tags().contains("administrator");
  }

  /** administrator or monitoring: may see every vhost's objects and other users' connections. */
  public boolean isMonitor() {
    return isAdmin() || user.tags().contains("monitoring");
  }

  /** The JSON body as an object (parsed once). */
  public Map<String, Object> body() {
    if (body == null) {
      body = Json.readObject(request.body());
    }
    return body;
  }

  /**
   * The body's values for keys RabbitMQ requires, or 400 listing the missing ones as RabbitMQ
   * does ("[{key_missing,payload}]").
   */
  public Map<String, Object> require(String... keys) {
    Map<String, Object> b = body();
    List<String> missing = new java.util.ArrayList<>();
    for (String k : keys) {
      if (b.get(k) == null) {
        missing.add("{key_missing," + k + "}");
      }
    }
    if (!missing.isEmpty()) {
      throw ApiException.badRequest("[" + String.join(",", missing) + "]");
    }
    return b;
  }

  /** A boolean query parameter such as if-unused=true. */
  public boolean flag(String name) {
    return "true".equals(request.queryParam(name));
  }

  /** Tags as RabbitMQ accepts them in a body: a comma-separated string or a list. */
  public static Set<String> tags(Object value) {
    Set<String> tags = new java.util.LinkedHashSet<>();
    if (value instanceof List<?> list) {
      list.forEach(t -> tags.add(String.valueOf(t).strip()));
    } else if (value != null) {
      for (String t : value.toString().split(",")) {
        tags.add(t.strip());
      }
    }
    tags.remove("");
    return tags;
  }
}
