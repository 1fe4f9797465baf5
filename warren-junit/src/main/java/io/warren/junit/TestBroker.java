package io.warren.junit;

import io.warren.broker.EmbeddedBroker;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The broker as one test sees it: where to connect and in which vhost.
 *
 * @param embedded the running broker (for tests that inspect its state)
 * @param vhost    the vhost this test works in: its own under {@link Isolation#VHOST_PER_TEST},
 *                 otherwise the default vhost
 */
public record TestBroker(EmbeddedBroker embedded, String vhost) {

  /** The loopback address the broker listens on. */
  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return embedded.port();
  }

  public String username() {
    return embedded.broker().config().defaultUser();
  }

  public String password() {
    return embedded.broker().config().defaultPassword();
  }

  /** {@code amqp://guest:guest@127.0.0.1:port/vhost}, the vhost percent-encoded as the AMQP URI spec asks. */
  public URI amqpUri() {
    return URI.create("amqp://" + encode(username()) + ":" + encode(password()) + "@" + host() + ":" + port()
        + "/" + encode(vhost));
  }

  /**
   * A new {@code com.rabbitmq.client.ConnectionFactory} for this broker and vhost (the test
   * project needs amqp-client on its class path; Warren does not bring it).
   */
  public com.rabbitmq.client.ConnectionFactory connectionFactory() {
    return ConnectionFactories.of(this);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
