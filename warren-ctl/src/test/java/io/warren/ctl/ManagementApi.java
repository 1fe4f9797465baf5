package io.warren.ctl;

import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.EmbeddedBroker;
import io.warren.management.ManagementServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Comparator;

/**
 * The broker the warrenctl tests talk to: its management HTTP API and its AMQP port (to create
 * what the commands list). Normally Warren, embedded with its {@link ManagementServer}; with
 * {@code -Dwarren.ctl.reference.url=http://127.0.0.1:15691
 * -Dwarren.ctl.reference.amqp=amqp://guest:guest@127.0.0.1:5691} a RabbitMQ with the management
 * plugin instead, which is how the expected outputs were checked.
 */
interface ManagementApi extends AutoCloseable {

  /** The management API's base URL, e.g. {@code http://127.0.0.1:15672}, for WARREN_MGMT_URL. */
  String url();

  /** A factory for AMQP connections to the same broker, as guest. */
  ConnectionFactory amqp();

  /**
   * How long the API may lag behind AMQP: RabbitMQ refreshes its statistics (message counts,
   * connections, consumers) every 5 seconds.
   */
  Duration statsLag();

  @Override
  void close();

  /** Starts Warren, or connects to the reference RabbitMQ when the system properties say so. */
  static ManagementApi start() {
    String reference = System.getProperty("warren.ctl.reference.url", "");
    if (!reference.isBlank()) {
      return reference(reference, System.getProperty("warren.ctl.reference.amqp", ""));
    }
    return warren();
  }

  /** Warren embedded on a free AMQP port, with its management server on another. */
  private static ManagementApi warren() {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("warren-ctl-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    EmbeddedBroker broker = EmbeddedBroker.start(dataDir);
    ManagementServer management = ManagementServer.start(broker.broker(), "127.0.0.1", 0);
    ConnectionFactory cf = factory(broker.amqpUri());
    return new ManagementApi() {
      @Override
      public String url() {
        return "http://127.0.0.1:" + management.port();
      }

      @Override
      public ConnectionFactory amqp() {
        return cf;
      }

      @Override
      public Duration statsLag() {
        // counts are read live; only rates wait for the 5-second sampler, and no test reads them
        return Duration.ofSeconds(1);
      }

      @Override
      public void close() {
        management.close();
        broker.close();
        try (var paths = Files.walk(dataDir)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  private static ConnectionFactory factory(String amqpUri) {
    ConnectionFactory cf = new ConnectionFactory();
    try {
      cf.setUri(amqpUri);
    } catch (URISyntaxException | GeneralSecurityException e) {
      throw new IllegalArgumentException("bad AMQP URI " + amqpUri, e);
    }
    cf.setAutomaticRecoveryEnabled(false);
    return cf;
  }

  private static ManagementApi reference(String url, String amqpUri) {
    ConnectionFactory cf = factory(amqpUri);
    return new ManagementApi() {
      @Override
      public String url() {
        return url;
      }

      @Override
      public ConnectionFactory amqp() {
        return cf;
      }

      @Override
      public Duration statsLag() {
        return Duration.ofSeconds(6);
      }

      @Override
      public void close() {}
    };
  }
}
