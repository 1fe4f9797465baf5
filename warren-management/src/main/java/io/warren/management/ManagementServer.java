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
import io.netty.handler.ssl.SslContext;
import io.warren.broker.tls.ServerTls;
import io.warren.broker.tls.TlsOptions;
import java.util.ArrayList;
import java.util.List;
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

  /** RabbitMQ's management HTTPS port, as its documentation uses it. */
  public static final int DEFAULT_SSL_PORT = 15671;

  private final List<HttpServer> listeners = new ArrayList<>();
  private final ScheduledExecutorService sampler;
  private volatile int port = -1;
  private volatile int sslPort = -1;

  private ManagementServer(ScheduledExecutorService sampler) {
    this.sampler = sampler;
  }

  /** Starts serving on {@code port} (0 picks a free one, see {@link #port()}) with the default settings. */
  public static ManagementServer start(Broker broker, String bindAddress, int port) {
    return start(broker, bindAddress, port, -1, null, ManagementSettings.DEFAULTS);
  }

  /** Starts serving HTTP on {@code port} with {@code settings} (limits, security headers). */
  public static ManagementServer start(Broker broker, String bindAddress, int port, ManagementSettings settings) {
    return start(broker, bindAddress, port, -1, null, settings);
  }

  /** Like {@link #start(Broker, String, int, int, TlsOptions, ManagementSettings)} with the default settings. */
  public static ManagementServer start(Broker broker, String bindAddress, int port, int sslPort, TlsOptions tls) {
    return start(broker, bindAddress, port, sslPort, tls, ManagementSettings.DEFAULTS);
  }

  /**
   * Starts serving HTTP on {@code port} and HTTPS on {@code sslPort} with {@code tls}; a port
   * of -1 leaves that listener out (RabbitMQ's management.tcp.* and management.ssl.*). Both
   * listeners apply {@code settings} (limits, security headers).
   */
  public static ManagementServer start(Broker broker, String bindAddress, int port, int sslPort, TlsOptions tls,
      ManagementSettings settings) {
    SslContext sslContext = sslPort >= 0 ? ServerTls.context(tls) : null;
    RateSampler rates = new RateSampler();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "warren-management-rates");
      t.setDaemon(true);
      return t;
    });
    ManagementServer self = new ManagementServer(sampler);
    // the API names the port it is reached on in /api/overview's listeners
    ApiRouter router = ManagementApi.router(broker, broker.cluster().localNode(), rates,
        () -> self.port >= 0 ? self.port : self.sslPort);
    try {
      if (port >= 0) {
        self.port = self.listen(router, settings, bindAddress, port, null);
        LOG.info("management API on http://{}:{}/", bindAddress, self.port);
      }
      if (sslContext != null) {
        self.sslPort = self.listen(router, settings, bindAddress, sslPort, sslContext);
        LOG.info("management API on https://{}:{}/", bindAddress, self.sslPort);
      }
    } catch (RuntimeException e) {
      self.close();
      throw e;
    }
    sampler.scheduleAtFixedRate(() -> sample(broker, rates), 0, SAMPLE_INTERVAL_SECONDS, TimeUnit.SECONDS);
    return self;
  }

  private int listen(ApiRouter router, ManagementSettings settings, String bindAddress, int port, SslContext tls) {
    HttpServer http = new HttpServer(tls == null ? "management" : "management (TLS)", settings.limits(), head -> {
      ApiResponse refusal = router.refuseBeforeBody(head);
      return refusal == null ? null : settings.secure(refusal);
    }, request -> settings.secure(router.apply(request)));
    listeners.add(http);
    return http.start(bindAddress, port, tls);
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

  /** The port the API listens on over HTTP, or -1 when it does not. */
  public int port() {
    return port;
  }

  /** The port the API listens on over HTTPS, or -1 when it does not. */
  public int sslPort() {
    return sslPort;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    listeners.forEach(HttpServer::close);
  }
}
