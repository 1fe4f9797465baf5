package io.warren.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import io.warren.it.support.TestCertificates;
import io.warren.it.support.TestCertificates.Issued;
import io.warren.it.support.WarrenProcess;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code warren} command with a rabbitmq.conf that turns on AMQPS, EXTERNAL and management
 * over HTTPS, as an operator would write it.
 */
class ServerTlsConfigTest {

  @TempDir
  Path dir;

  @Test
  void shouldServeAmqpsAndManagementHttpsFromRabbitMqsConfigKeys() throws Exception {
    TestCertificates certs = TestCertificates.create(dir);
    Issued guestCertificate = certs.client("guest", "O=Warren tests,CN=guest");
    Path config = dir.resolve("rabbitmq.conf");
    Files.writeString(config, """
        listeners.ssl.default = 5671
        ssl_options.cacertfile = %s
        ssl_options.certfile = %s
        ssl_options.keyfile = %s
        ssl_options.verify = verify_peer
        ssl_options.fail_if_no_peer_cert = true
        ssl_options.versions.1 = tlsv1.3
        ssl_options.versions.2 = tlsv1.2
        auth_mechanisms.1 = EXTERNAL
        auth_mechanisms.2 = PLAIN
        ssl_cert_login_from = common_name
        management.ssl.port = 15671
        management.ssl.cacertfile = %s
        management.ssl.certfile = %s
        management.ssl.keyfile = %s
        """.formatted(certs.caCertFile(), certs.serverCertFile(), certs.serverKeyFile(), certs.caCertFile(),
        certs.serverCertFile(), certs.serverKeyFile()));
    // the flags move the file's ports to free ones, as an operator's flags would
    int amqps = WarrenProcess.freePort();
    int https = WarrenProcess.freePort();
    try (WarrenProcess warren = WarrenProcess.start(dir.resolve("data"), dir.resolve("warren.log"),
        List.of("--config", config.toString(), "--ssl-port", Integer.toString(amqps),
            "--management-ssl-port", Integer.toString(https)))) {
      awaitListening(amqps);
      ConnectionFactory cf = new ConnectionFactory();
      cf.setHost("localhost");
      cf.setPort(amqps);
      cf.useSslProtocol(certs.clientContext(guestCertificate));
      cf.enableHostnameVerification();
      cf.setSaslConfig(DefaultSaslConfig.EXTERNAL);
      cf.setAutomaticRecoveryEnabled(false);
      try (Connection c = cf.newConnection()) {
        assertThat(c.createChannel().queueDeclare().getMessageCount()).isZero();
      }

      awaitListening(https);
      HttpClient client = HttpClient.newBuilder().sslContext(certs.clientContext(null)).build();
      HttpResponse<String> overview = client.send(HttpRequest.newBuilder(
              URI.create("https://localhost:" + https + "/api/overview"))
          .header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=").timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(overview.statusCode()).isEqualTo(200);
      assertThat(overview.body()).contains("\"rabbitmq_version\"");
      assertThat(warren.output()).contains("AMQPS (TLS) listener on 127.0.0.1:" + amqps);
    }
  }

  private static void awaitListening(int port) throws InterruptedException {
    for (int i = 0; i < 200; i++) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (java.io.IOException notYet) {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("nothing listens on " + port);
  }
}
