package io.warren.management;

import io.warren.broker.Broker;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.management.http.ApiResponse;
import io.warren.management.http.ApiRouter;
import io.warren.management.http.HttpServer;
import io.warren.management.http.ManagementApi;
import io.warren.management.metrics.RateSampler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RabbitMQ's management HTTP API and the web UI for a running broker:
 *
 * <pre>{@code
 * try (ManagementServer management = ManagementServer.start(broker, "127.0.0.1", 0)) {
 *   URI api = URI.create("http://127.0.0.1:" + management.port() + "/api/overview");
 * }
 * }</pre>
 *
 * Message rates are sampled every {@link #SAMPLE_INTERVAL_SECONDS} seconds on a thread of its own.
 */
public final class ManagementServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ManagementServer.class);

  /** RabbitMQ's management port. */
  public static final int DEFAULT_PORT = 15672;
  /** How often message rates are sampled (RabbitMQ's collect_statistics_interval is 5 s). */
  public static final int SAMPLE_INTERVAL_SECONDS = 5;

  private final HttpServer http;
  private final ScheduledExecutorService sampler;
  private volatile int port;

  private ManagementServer(HttpServer http, ScheduledExecutorService sampler) {
    this.http = http;
    this.sampler = sampler;
  }

  /** Starts serving on {@code port} (0 picks a free one, see {@link #port()}) with the default settings. */
  public static ManagementServer start(Broker broker, String bindAddress, int port) {
    return start(broker, bindAddress, port, ManagementSettings.DEFAULTS);
  }

  public static ManagementServer start(Broker broker, String bindAddress, int port, ManagementSettings settings) {
    RateSampler rates = new RateSampler();
    ManagementServer[] self = new ManagementServer[1];
    ApiRouter router = ManagementApi.router(broker, broker.cluster().localNode(), rates, () -> self[0].port);
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "warren-management-rates");
      t.setDaemon(true);
      return t;
    });
    HttpServer http = new HttpServer("management", settings.limits(), head -> {
      ApiResponse refusal = router.refuseBeforeBody(head);
      return refusal == null ? null : settings.secure(refusal);
    }, request -> settings.secure(router.apply(request)));
    self[0] = new ManagementServer(http, sampler);
    self[0].port = self[0].http.start(bindAddress, port);
    sampler.scheduleAtFixedRate(() -> sample(broker, rates), 0, SAMPLE_INTERVAL_SECONDS, TimeUnit.SECONDS);
    LOG.info("management API on http://{}:{}/", bindAddress, self[0].port);
    return self[0];
  }

  private static void sample(Broker broker, RateSampler rates) {
    try {
      for (VirtualHost v : broker.vhosts().all()) {
        rates.sample(v.stats());
        rates.sample(v.defaultExchangeStats());
        for (AmqpQueue q : v.queues()) {
          rates.sample(q.stats());
        }
        for (Exchange x : v.exchanges()) {
          rates.sample(x.stats());
        }
      }
      for (AmqpConnection c : broker.connections()) {
        for (AmqpChannel ch : c.channels()) {
          rates.sample(ch.stats());
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("sampling message rates failed", e);
    }
  }

  /** The port the API listens on. */
  public int port() {
    return port;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    http.close();
  }
}
