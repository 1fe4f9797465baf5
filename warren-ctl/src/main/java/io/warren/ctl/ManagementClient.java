package io.warren.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The management HTTP API as warrenctl uses it: JSON in and out, basic auth, one request per
 * call. Failures that no command can do anything about (broker down, timeout, refused
 * credentials, server errors) become a {@link CtlException} here; every other status is
 * handed back for the command to word, because "not found" means something different to each.
 */
final class ManagementClient {

  /** One HTTP answer; {@code json()} is a MissingNode when the body is empty or not JSON. */
  record Response(int status, String body) {

    boolean ok() {
      return status >= 200 && status < 300;
    }

    boolean notFound() {
      return status == 404;
    }

    JsonNode json() {
      if (body == null || body.isBlank()) {
        return MissingNode.getInstance();
      }
      try {
        return JSON.readTree(body);
      } catch (JsonProcessingException e) {
        return MissingNode.getInstance();
      }
    }

    /** The {@code reason} of RabbitMQ's error body {@code {"error": ..., "reason": ...}}. */
    String reason() {
      JsonNode reason = json().path("reason");
      if (reason.isTextual()) {
        return reason.asText();
      }
      return reason.isMissingNode() ? body : reason.toString();
    }
  }

  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI api;
  private final String authorization;
  private final String username;
  private final Duration timeout;

  /**
   * @param api the API root, e.g. {@code http://localhost:15672/api} (no trailing slash)
   * @param timeout how long one request may take, connection included
   */
  ManagementClient(URI api, String username, String password, Duration timeout) {
    this.api = api;
    this.username = username;
    this.timeout = timeout;
    this.authorization = "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.http = HttpClient.newBuilder()
        // HTTP/2 would mean an h2c upgrade attempt on every plain-HTTP request; some servers
        // (RabbitMQ's Cowboy among them) drop a PUT that carries one
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  URI api() {
    return api;
  }

  /** GET that must succeed: any status but 2xx fails the command. */
  JsonNode get(String path) {
    Response r = send("GET", path, null, Map.of());
    if (!r.ok()) {
      throw unexpected("GET", path, r);
    }
    return r.json();
  }

  /** GET of one object; empty when the API answers 404. */
  Optional<JsonNode> find(String path) {
    Response r = send("GET", path, null, Map.of());
    if (r.notFound()) {
      return Optional.empty();
    }
    if (!r.ok()) {
      throw unexpected("GET", path, r);
    }
    return Optional.of(r.json());
  }

  /** GET returning the body unparsed (definitions are written out byte for byte). */
  String getRaw(String path) {
    Response r = send("GET", path, null, Map.of());
    if (!r.ok()) {
      throw unexpected("GET", path, r);
    }
    return r.body();
  }

  Response put(String path, JsonNode body) {
    return send("PUT", path, body.toString(), Map.of());
  }

  Response post(String path, String jsonBody) {
    return send("POST", path, jsonBody, Map.of());
  }

  Response delete(String path) {
    return send("DELETE", path, null, Map.of());
  }

  Response delete(String path, Map<String, String> headers) {
    return send("DELETE", path, null, headers);
  }

  /** A failure for a status the command did not expect, with the API's own reason. */
  CtlException unexpected(String method, String path, Response r) {
    return CtlException.error(ExitCode.SOFTWARE, "%s %s answered %d: %s",
        method, api + path, r.status(), r.reason());
  }

  /**
   * Sends one request. {@code path} starts with a slash and is already encoded (see
   * {@link #path}).
   */
  Response send(String method, String path, String jsonBody, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path))
        .timeout(timeout)
        // no Accept header: RabbitMQ answers 406 to "Accept: application/json" on a DELETE of
        // queue contents, which has no body to offer
        .header("Authorization", authorization);
    headers.forEach(request::header);
    if (jsonBody != null) {
      request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(jsonBody, StandardCharsets.UTF_8));
    } else {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> response;
    try {
      response = http.send(request.build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (HttpConnectTimeoutException e) {
      throw unreachable("connection timed out", e);
    } catch (HttpTimeoutException e) {
      throw CtlException.plain(ExitCode.TEMP_FAIL, e,
          "Error: operation %s %s timed out after %d seconds", method, api + path,
          timeout.toSeconds());
    } catch (ConnectException e) {
      throw unreachable("connection refused", e);
    } catch (IOException e) {
      throw unreachable(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CtlException.plain(ExitCode.TEMP_FAIL, e, "Error: interrupted");
    }
    Response r = new Response(response.statusCode(), response.body());
    if (r.status() == 401) {
      throw CtlException.plain(ExitCode.NO_PERMISSION,
          "Error: the management API at %s refused the credentials of user '%s' (%s)",
          api, username, r.reason());
    }
    if (r.status() == 403) {
      throw CtlException.plain(ExitCode.NO_PERMISSION,
          "Error: user '%s' may not %s %s: %s", username, method, path, r.reason());
    }
    if (r.status() >= 500) {
      throw unexpected(method, path, r);
    }
    return r;
  }

  private CtlException unreachable(String why, Throwable cause) {
    return CtlException.plain(ExitCode.UNAVAILABLE, cause,
        "Error: unable to reach the management API at %s (%s).%n"
            + "Is the broker running with its management listener on that port? "
            + "Point warrenctl at it with --host/--port or WARREN_MGMT_URL.", api, why);
  }

  /**
   * Joins path segments, each percent-encoded as one segment: the default vhost "/" becomes
   * "%2F", as the management API expects. (URLEncoder would turn spaces into '+', which a
   * path keeps literally.)
   */
  static String path(String... segments) {
    StringBuilder sb = new StringBuilder();
    for (String segment : segments) {
      sb.append('/');
      for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
        int c = b & 0xff;
        if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
            || c == '-' || c == '.' || c == '_' || c == '~') {
          sb.append((char) c);
        } else {
          sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
              .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
        }
      }
    }
    return sb.toString();
  }
}
