package io.warren.management;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.warren.broker.Broker;
import io.netty.handler.ssl.SslContext;
import io.warren.broker.tls.ServerTls;
import io.warren.broker.tls.TlsOptions;
import io.warren.management.http.ApiRequest;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.HttpLimits;
import io.warren.management.http.HttpServer;
import io.warren.management.http.RequestGate;
import io.warren.management.http.ManagementApi;
import io.warren.management.metrics.RabbitMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * rabbitmq_prometheus's endpoint on its own port: {@code GET /metrics} (aggregated) and
 * {@code GET /metrics/per-object} (per queue and channel), in the Prometheus text format,
 * without authentication, as RabbitMQ serves it.
 */
public final class PrometheusServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PrometheusServer.class);

  /** RabbitMQ's Prometheus port. */
  public static final int DEFAULT_PORT = 15692;

  /** RabbitMQ's Prometheus HTTPS port, as its documentation uses it. */
  public static final int DEFAULT_SSL_PORT = 15691;

  private final List<HttpServer> listeners;
  private final int port;
  private final int sslPort;

  private PrometheusServer(List<HttpServer> listeners, int port, int sslPort) {
    this.listeners = listeners;
    this.port = port;
    this.sslPort = sslPort;
  }

  public static PrometheusServer start(Broker broker, String bindAddress, int port) {
    return start(broker, bindAddress, port, -1, null, HttpLimits.DEFAULTS);
  }

  /** With the same guards as the management port ({@code prometheus.tcp.*} timeouts). */
  public static PrometheusServer start(Broker broker, String bindAddress, int port, HttpLimits limits) {
    return start(broker, bindAddress, port, -1, null, limits);
  }

  /** Like {@link #start(Broker, String, int, int, TlsOptions, HttpLimits)} with the default limits. */
  public static PrometheusServer start(Broker broker, String bindAddress, int port, int sslPort, TlsOptions tls) {
    return start(broker, bindAddress, port, sslPort, tls, HttpLimits.DEFAULTS);
  }

  /**
   * Serves HTTP on {@code port} and HTTPS on {@code sslPort} with {@code tls}; -1 leaves a
   * listener out (RabbitMQ's prometheus.tcp.* and prometheus.ssl.*). Both listeners apply
   * {@code limits}.
   */
  public static PrometheusServer start(Broker broker, String bindAddress, int port, int sslPort, TlsOptions tls,
      HttpLimits limits) {
    SslContext sslContext = sslPort >= 0 ? ServerTls.context(tls) : null;
    RabbitMetrics metrics = new RabbitMetrics(broker, broker.cluster().localNode(), ManagementApi.RABBITMQ_VERSION);
    PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    Function<ApiRequest, ApiResponse> handler = request -> {
      if (!request.method().equals("GET")) {
        return new ApiResponse(405, null, new byte[0], Map.of());
      }
      boolean perObject;
      if (request.segments().equals(List.of("metrics"))) {
        perObject = false;
      } else if (request.segments().equals(List.of("metrics", "per-object"))
          || request.segments().equals(List.of("metrics", "detailed"))) {
        perObject = true;
      } else {
        return ApiResponse.text(404, "text/plain", "Not Found");
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
      try {
        writer.write(out, metrics.collect(perObject));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new ApiResponse(200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray(), Map.of());
    };
    List<HttpServer> listeners = new ArrayList<>();
    try {
      int bound = -1;
      int boundSsl = -1;
      if (port >= 0) {
        HttpServer http = new HttpServer("prometheus", limits, RequestGate.OPEN, handler);
        listeners.add(http);
        bound = http.start(bindAddress, port);
        LOG.info("Prometheus metrics on http://{}:{}/metrics", bindAddress, bound);
      }
      if (sslContext != null) {
        HttpServer https = new HttpServer("prometheus (TLS)", limits, RequestGate.OPEN, handler);
        listeners.add(https);
        boundSsl = https.start(bindAddress, sslPort, sslContext);
        LOG.info("Prometheus metrics on https://{}:{}/metrics", bindAddress, boundSsl);
      }
      return new PrometheusServer(listeners, bound, boundSsl);
    } catch (RuntimeException e) {
      listeners.forEach(HttpServer::close);
      throw e;
    }
  }

  /** The HTTP port, or -1 when there is no HTTP listener. */
  public int port() {
    return port;
  }

  /** The HTTPS port, or -1 when there is no HTTPS listener. */
  public int sslPort() {
    return sslPort;
  }

  @Override
  public void close() {
    listeners.forEach(HttpServer::close);
  }
}
