package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.management.http.HttpLimits;
import io.warren.management.http.HttpServer;
import io.warren.management.http.RequestGate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What one client can do to the management and Prometheus ports, over raw sockets: stall or
 * trickle a request, send a huge body without credentials, oversized URLs and headers. The
 * servers here have short timeouts (1 s for the head, 1.5 s of silence in a body, 4 s of no
 * traffic) so that the tests can wait them out.
 */
class HttpHardeningTest extends ManagementTestSupport {

  private static final HttpLimits SHORT = HttpLimits.DEFAULTS.withRequestTimeout(Duration.ofMillis(1000))
      .withIdleTimeout(Duration.ofMillis(1500)).withInactivityTimeout(Duration.ofMillis(4000))
      .withMaxBodySize(64 * 1024);
  private static ManagementServer guarded;
  private static PrometheusServer guardedMetrics;

  @BeforeAll
  static void startGuardedServers() {
    guarded = ManagementServer.start(broker, "127.0.0.1", 0, ManagementSettings.DEFAULTS.withLimits(SHORT));
    guardedMetrics = PrometheusServer.start(broker, "127.0.0.1", 0, SHORT);
  }

  @AfterAll
  static void stopGuardedServers() {
    guardedMetrics.close();
    guarded.close();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Everything the server sends until it closes the connection (or 10 s pass). */
  private static String readUntilClosed(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    InputStream in = s.getInputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        all.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server kept the connection open; got so far: " + all, e);
    } catch (IOException reset) {
      // a reset after the answer still counts as closed
    }
    return all.toString(StandardCharsets.ISO_8859_1);
  }

  /** How long until the server closes a connection on which {@code sent} was written. */
  private static long millisUntilClosed(int port, String sent) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(sent.getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      readUntilClosed(s);
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  /** One request on its own connection, answered and closed ("Connection: close"). */
  private static String exchange(int port, String request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      return readUntilClosed(s);
    }
  }

  private static String statusLine(String response) {
    return response.substring(0, response.indexOf("\r\n"));
  }

  @Test
  void shouldCloseAStalledHalfSentRequestHeadWithinTheRequestTimeout() throws Exception {
    long waited = millisUntilClosed(guarded.port(), "GET /api/overview HTTP/1.1\r\nHost: x\r\n");
    assertThat(waited).isBetween(700L, 3000L);
    // the same on a fresh connection that never sends a byte
    assertThat(millisUntilClosed(guarded.port(), "")).isBetween(700L, 3000L);
  }

  @Test
  void shouldCloseAHeadTrickledInByteByByteAtTheSameDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", guarded.port())) {
      OutputStream out = s.getOutputStream();
      long start = System.nanoTime();
      boolean closed = false;
      for (byte b : "GET /api/overview HTTP/1.1\r\nHost: a-very-slow-client\r\nX-Pad: 0123456789".getBytes()) {
        try {
          out.write(b);
          out.flush();
        } catch (IOException e) {
          closed = true;
          break;
        }
        Thread.sleep(100);
        if ((System.nanoTime() - start) / 1_000_000 > 4000) {
          break;
        }
      }
      if (!closed) {
        readUntilClosed(s);
      }
      assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3500L);
    }
  }

  @Test
  void shouldCloseARequestWhoseBodyStallsWithinTheIdleTimeout() throws Exception {
    String head = "PUT /api/vhosts/stalled HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("guest", "guest")
        + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"descr";
    long waited = millisUntilClosed(guarded.port(), head);
    assertThat(waited).isBetween(1200L, 4000L);
    assertThat(get("/api/vhosts/stalled").status()).isEqualTo(404);
  }

  @Test
  void shouldCloseAnIdleKeepAliveConnectionAfterItsResponse() throws Exception {
    try (Socket s = new Socket("127.0.0.1", guarded.port())) {
      s.getOutputStream().write(("GET /api/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("guest", "guest")
          + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      long start = System.nanoTime();
      String response = readUntilClosed(s);
      assertThat(statusLine(response)).isEqualTo("HTTP/1.1 200 OK");
      assertThat(response).contains("\"name\":\"guest\"");
      assertThat((System.nanoTime() - start) / 1_000_000).isBetween(700L, 3000L);
    }
  }

  @Test
  void shouldAnswerAnUnauthenticatedHugeBodyWith401WithoutReadingIt() throws Exception {
    // 64 MB declared, not one byte of it sent: the answer comes from the headers alone
    String noCredentials = exchange(management.port(), "POST /api/definitions HTTP/1.1\r\nHost: x\r\n"
        + "Content-Type: application/json\r\nContent-Length: 67108864\r\n\r\n");
    assertThat(statusLine(noCredentials)).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(noCredentials).containsIgnoringCase("www-authenticate: Basic realm=\"RabbitMQ Management\"");

    String wrongPassword = exchange(management.port(), "POST /api/definitions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: " + basic("guest", "wrong") + "\r\nContent-Length: 67108864\r\n\r\n");
    assertThat(statusLine(wrongPassword)).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(wrongPassword).endsWith("{\"error\":\"not_authorized\",\"reason\":\"Login failed\"}");

    // a user who may not import is refused before its body, too
    String monitor = unique("monitor");
    call("PUT", "/api/users/" + monitor, Map.of("password", "pw", "tags", "monitoring"));
    String notAdmin = exchange(management.port(), "POST /api/definitions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: " + basic(monitor, "pw") + "\r\nContent-Length: 67108864\r\n\r\n");
    assertThat(statusLine(notAdmin)).isEqualTo("HTTP/1.1 401 Unauthorized");
    assertThat(notAdmin).endsWith("{\"error\":\"not_authorised\",\"reason\":\"Not administrator user\"}");
  }

  @Test
  void shouldRefuseABodyOverTheLimitWith400AsRabbitMqDoes() throws Exception {
    // the default limit, RabbitMQ's 20 MiB, declared by an administrator
    String declared = exchange(management.port(), "POST /api/definitions HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: " + basic("guest", "guest") + "\r\nContent-Length: " + (20 * 1024 * 1024 + 1)
        + "\r\n\r\n");
    assertThat(statusLine(declared)).isEqualTo("HTTP/1.1 400 Bad Request");
    assertThat(declared).endsWith("{\"error\":\"bad_request\",\"reason\":\"Exceeded HTTP request body size limit\"}");

    // a chunked body has no declared size: it is cut off where it outgrows the limit (64 KiB here)
    try (Socket s = new Socket("127.0.0.1", guarded.port())) {
      OutputStream out = s.getOutputStream();
      out.write(("POST /api/definitions HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("guest", "guest")
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      byte[] chunk = ("4000\r\n" + "x".repeat(0x4000) + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
      try {
        for (int i = 0; i < 8; i++) {
          out.write(chunk);
        }
      } catch (IOException closedWhileSending) {
        // the server may close before all chunks are out
      }
      assertThat(statusLine(readUntilClosed(s))).isEqualTo("HTTP/1.1 400 Bad Request");
    }
  }

  @Test
  void shouldAnswer414And431And400ForRequestsItWillNotParse() throws Exception {
    String longUrl = exchange(management.port(), "GET /api/queues/" + "a".repeat(9000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(statusLine(longUrl)).isEqualTo("HTTP/1.1 414 Request-URI Too Long");
    String bigHeaders = exchange(management.port(), "GET /api/overview HTTP/1.1\r\nHost: x\r\n"
        + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n");
    assertThat(statusLine(bigHeaders)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
    String garbage = exchange(management.port(), "HELLO\r\n\r\n");
    assertThat(statusLine(garbage)).isEqualTo("HTTP/1.1 400 Bad Request");
    for (String response : List.of(longUrl, bigHeaders, garbage)) {
      assertThat(response).doesNotContain("Exception").doesNotContain("netty");
    }
    // and the server still serves
    assertThat(get("/api/whoami").status()).isEqualTo(200);
  }

  @Test
  void shouldNeverSendExceptionTextToTheClient() throws Exception {
    HttpServer failing = new HttpServer("failing", HttpLimits.DEFAULTS, RequestGate.OPEN, request -> {
      throw new IllegalStateException("secret detail at /var/lib/warren");
    });
    int port = failing.start("127.0.0.1", 0);
    try {
      String response = exchange(port, "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(statusLine(response)).isEqualTo("HTTP/1.1 500 Internal Server Error");
      assertThat(response).endsWith("{\"error\":\"internal_server_error\",\"reason\":\"Internal Server Error\"}")
          .doesNotContain("IllegalStateException").doesNotContain("secret");
    } finally {
      failing.close();
    }
  }

  @Test
  void shouldSendSecurityHeadersWithTheWebUiAndTheApi() throws Exception {
    for (String path : List.of("/", "/js/main.js", "/app.css", "/api/overview")) {
      Reply r = get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("x-frame-options")).as(path).hasValue("SAMEORIGIN");
      assertThat(r.headers().firstValue("x-content-type-options")).as(path).hasValue("nosniff");
      assertThat(r.headers().firstValue("content-security-policy")).as(path).hasValueSatisfying(csp ->
          assertThat(csp).contains("script-src 'self'").contains("object-src 'none'")
              .contains("frame-ancestors 'self'").doesNotContain("unsafe-eval"));
    }
    assertThat(callAs(null, null, "GET", "/api/overview", null).headers().firstValue("x-frame-options"))
        .hasValue("SAMEORIGIN");
  }

  @Test
  void shouldGiveThePrometheusPortTheSameTimeouts() throws Exception {
    assertThat(millisUntilClosed(guardedMetrics.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n"))
        .isBetween(700L, 3000L);
    String bigHeaders = exchange(guardedMetrics.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n"
        + "X-Big: " + "b".repeat(20_000) + "\r\n\r\n");
    assertThat(statusLine(bigHeaders)).isEqualTo("HTTP/1.1 431 Request Header Fields Too Large");
    assertThat(metrics("/metrics")).contains("rabbitmq_");
  }

  @Test
  void shouldServeOnlyMaxConnectionsAtOnceAndTheNextWhenOneCloses() throws Exception {
    ManagementServer small = ManagementServer.start(broker, "127.0.0.1", 0,
        ManagementSettings.DEFAULTS.withLimits(HttpLimits.DEFAULTS.withMaxConnections(2)));
    List<Socket> holders = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        holders.add(new Socket("127.0.0.1", small.port())); // connected, silent
      }
      Thread.sleep(200);
      try (Socket waiting = new Socket("127.0.0.1", small.port())) { // sits in the listen backlog
        waiting.getOutputStream().write(("GET /api/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            + "Authorization: " + basic("guest", "guest") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        waiting.setSoTimeout(500);
        assertThat(readsNothing(waiting)).as("not served while two connections are open").isTrue();
        holders.remove(0).close();
        assertThat(statusLine(readUntilClosed(waiting))).isEqualTo("HTTP/1.1 200 OK");
      }
    } finally {
      for (Socket s : holders) {
        s.close();
      }
      small.close();
    }
  }

  /** True if nothing (not even a close) arrives before the socket's read timeout. */
  private static boolean readsNothing(Socket s) throws IOException {
    try {
      s.getInputStream().read();
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }

  @Test
  void shouldStillServeKeepAliveClientsAndRefusalsWithoutBodies() throws Exception {
    try (Socket s = new Socket("127.0.0.1", management.port())) {
      OutputStream out = s.getOutputStream();
      // a refused GET (no body) keeps the connection; the next request on it is served
      out.write(("GET /api/whoami HTTP/1.1\r\nHost: x\r\nAuthorization: " + basic("guest", "wrong") + "\r\n\r\n"
          + "GET /api/whoami HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: "
          + basic("guest", "guest") + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      String both = readUntilClosed(s);
      assertThat(both).startsWith("HTTP/1.1 401 Unauthorized").contains("HTTP/1.1 200 OK")
          .contains("\"name\":\"guest\"");
    }
  }
}
