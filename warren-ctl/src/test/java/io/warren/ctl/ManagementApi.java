package io.warren.ctl;

import com.rabbitmq.client.ConnectionFactory;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;

/**
 * The broker the warrenctl tests talk to: its management HTTP API and its AMQP port (to create
 * what the commands list). Normally Warren, embedded; with {@code -Dwarren.ctl.reference.url=
 * http://127.0.0.1:15691 -Dwarren.ctl.reference.amqp=amqp://guest:guest@127.0.0.1:5691} a
 * RabbitMQ with the management plugin instead, which is how the expected outputs were checked.
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
    // Warren's management module is not there yet: nothing to run against
    Assumptions.abort("no management API to test against: set -Dwarren.ctl.reference.url");
    return null;
  }

  private static ManagementApi reference(String url, String amqpUri) {
    ConnectionFactory cf = new ConnectionFactory();
    try {
      cf.setUri(amqpUri);
    } catch (URISyntaxException | GeneralSecurityException e) {
      throw new IllegalArgumentException("warren.ctl.reference.amqp: " + amqpUri, e);
    }
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
