package io.warren.management;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.warren.broker.Broker;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.HttpLimits;
import io.warren.management.http.HttpServer;
import io.warren.management.http.RequestGate;
import io.warren.management.http.ManagementApi;
import io.warren.management.metrics.RabbitMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
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

  private final HttpServer http;
  private final int port;

  private PrometheusServer(HttpServer http, int port) {
    this.http = http;
    this.port = port;
  }

  public static PrometheusServer start(Broker broker, String bindAddress, int port) {
    return start(broker, bindAddress, port, HttpLimits.DEFAULTS);
  }

  /** With the same guards as the management port ({@code prometheus.tcp.*} timeouts). */
  public static PrometheusServer start(Broker broker, String bindAddress, int port, HttpLimits limits) {
    RabbitMetrics metrics = new RabbitMetrics(broker, broker.cluster().localNode(), ManagementApi.RABBITMQ_VERSION);
    PrometheusTextFormatWriter writer = new PrometheusTextFormatWriter(false);
    HttpServer http = new HttpServer("prometheus", limits, RequestGate.OPEN, request -> {
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
    });
    int bound = http.start(bindAddress, port);
    LOG.info("Prometheus metrics on http://{}:{}/metrics", bindAddress, bound);
    return new PrometheusServer(http, bound);
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    http.close();
  }
}
