package io.warren.it.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.tls.TlsOptions;
import io.warren.it.support.TestCertificates;
import io.warren.management.ManagementServer;
import io.warren.management.PrometheusServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The management API and the Prometheus endpoint over HTTPS (management.ssl.*, prometheus.ssl.*). */
class HttpsTest {

  @TempDir
  static Path dir;

  private static TestCertificates certs;
  private static EmbeddedBroker broker;
  private static ManagementServer management;
  private static PrometheusServer prometheus;

  @BeforeAll
  static void start() {
    certs = TestCertificates.create(dir);
    broker = EmbeddedBroker.start(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
        .withDataDir(dir.resolve("data")));
    TlsOptions tls = TlsOptions.of(certs.serverCertFile(), certs.serverKeyFile()).withCaCertFile(certs.caCertFile());
    management = ManagementServer.start(broker.broker(), "127.0.0.1", -1, 0, tls);
    prometheus = PrometheusServer.start(broker.broker(), "127.0.0.1", 0, 0, tls);
  }

  @AfterAll
  static void stop() {
    if (prometheus != null) {
      prometheus.close();
    }
    if (management != null) {
      management.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private static HttpClient verifyingClient() {
    return HttpClient.newBuilder().sslContext(certs.clientContext(null)).connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static HttpRequest.Builder get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
  }

  @Test
  void shouldAnswerTheManagementApiOverHttpsOnly() throws Exception {
    assertThat(management.port()).isEqualTo(-1);
    HttpResponse<String> overview = verifyingClient().send(get("https://localhost:" + management.sslPort()
        + "/api/overview").header("Authorization", "Basic "
            + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(overview.statusCode()).isEqualTo(200);
    assertThat(overview.body()).contains("\"rabbitmq_version\":\"3.10.8\"");
    assertThat(overview.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));

    HttpResponse<String> anonymous = verifyingClient().send(get("https://localhost:" + management.sslPort()
        + "/api/overview").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(anonymous.statusCode()).isEqualTo(401);
  }

  @Test
  void shouldRefusePlainHttpOnTheHttpsPort() {
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> plain.send(get("http://127.0.0.1:" + management.sslPort() + "/api/overview").build(),
        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
  }

  @Test
  void shouldServePrometheusMetricsOverHttpsBesideHttp() throws Exception {
    HttpResponse<String> metrics = verifyingClient().send(get("https://localhost:" + prometheus.sslPort()
        + "/metrics").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("rabbitmq_connections");
    HttpResponse<String> overHttp = HttpClient.newHttpClient().send(get("http://127.0.0.1:" + prometheus.port()
        + "/metrics").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(overHttp.statusCode()).isEqualTo(200);
  }
}
