package io.warren.management.http;

import java.time.Duration;

/**
 * What one HTTP client may take from a server, with RabbitMQ's names and defaults (its cowboy
 * listener's): {@code request_timeout} for a request's line and headers to arrive,
 * {@code idle_timeout} for the client to send more of a request it started, and
 * {@code inactivity_timeout} for a connection on which nothing at all happens; the body size
 * ({@code management.http_max_body_size}); and, as cowboy's ranch acceptor pool does, how many
 * connections are served at once (more wait in the listen backlog, holding no file handle).
 */
public record HttpLimits(Duration requestTimeout, Duration idleTimeout, Duration inactivityTimeout, int maxBodySize,
    int maxConnections) {

  /** cowboy's: 5 s for the request head, 60 s without data, 300 s without anything; RabbitMQ's 20 MiB body. */
  public static final HttpLimits DEFAULTS = new HttpLimits(Duration.ofSeconds(5), Duration.ofSeconds(60),
      Duration.ofSeconds(300), 20 * 1024 * 1024, 1024);

  /** cowboy's max_request_line_length: a longer request line is answered 414. */
  static final int MAX_REQUEST_LINE = 8000;
  /** All header lines together; more is answered 431 (cowboy limits 100 headers of 4096 bytes each). */
  static final int MAX_HEADER_BYTES = 16 * 1024;

  public HttpLimits {
    if (requestTimeout.isNegative() || requestTimeout.isZero() || idleTimeout.isNegative() || idleTimeout.isZero()
        || inactivityTimeout.isNegative() || inactivityTimeout.isZero()) {
      throw new IllegalArgumentException("HTTP timeouts must be positive");
    }
    if (maxBodySize < 0 || maxConnections < 1) {
      throw new IllegalArgumentException("the HTTP body limit must not be negative, nor the connection limit below 1");
    }
  }

  public HttpLimits withRequestTimeout(Duration d) {
    return new HttpLimits(d, idleTimeout, inactivityTimeout, maxBodySize, maxConnections);
  }

  public HttpLimits withIdleTimeout(Duration d) {
    return new HttpLimits(requestTimeout, d, inactivityTimeout, maxBodySize, maxConnections);
  }

  public HttpLimits withInactivityTimeout(Duration d) {
    return new HttpLimits(requestTimeout, idleTimeout, d, maxBodySize, maxConnections);
  }

  public HttpLimits withMaxBodySize(int bytes) {
    return new HttpLimits(requestTimeout, idleTimeout, inactivityTimeout, bytes, maxConnections);
  }

  public HttpLimits withMaxConnections(int n) {
    return new HttpLimits(requestTimeout, idleTimeout, inactivityTimeout, maxBodySize, n);
  }
}
