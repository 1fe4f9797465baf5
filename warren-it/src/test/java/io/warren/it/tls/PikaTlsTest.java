package io.warren.it.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.auth.CertificateLogin;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.tls.TlsOptions;
import io.warren.it.support.PythonRunner;
import io.warren.it.support.PythonRunner.PythonProcess;
import io.warren.it.support.TestCertificates;
import io.warren.it.support.TestCertificates.Issued;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pika (Debian's python3-pika) over TLS: the server verified by name and CA, a client
 * certificate verified by the broker, PLAIN and SASL EXTERNAL logins (src/test/python/tls_client.py).
 */
class PikaTlsTest {

  private static final Duration RUN = Duration.ofSeconds(20);

  @TempDir
  static Path dir;

  private static TestCertificates certs;
  private static Issued pikaClient;
  private static EmbeddedBroker broker;
  private static PythonRunner python;

  @BeforeAll
  static void start() {
    PythonRunner.requireModules("python3-pika", "pika");
    certs = TestCertificates.create(dir);
    pikaClient = certs.client("pika", "O=Warren tests,CN=pika-user");
    TlsOptions tls = TlsOptions.of(certs.serverCertFile(), certs.serverKeyFile()).withCaCertFile(certs.caCertFile())
        .withPeerVerification(true, true);
    broker = EmbeddedBroker.start(BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0)
        .withDataDir(dir.resolve("data")).withSsl(0, tls).withAuthMechanisms(List.of("PLAIN", "EXTERNAL"))
        .withSslCertLoginFrom(CertificateLogin.COMMON_NAME));
    broker.broker().definitions().putUser(new User("pika-user", PasswordHash.of(UUID.randomUUID().toString()),
        Set.of()));
    broker.broker().definitions().setPermissions("pika-user", "/", Permissions.FULL);
    python = PythonRunner.fromSystemProperty(Map.of());
  }

  @AfterAll
  static void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private PythonProcess run(Issued client, String auth) {
    Map<String, String> env = new HashMap<>();
    env.put("TLS_PORT", Integer.toString(broker.sslPort()));
    env.put("CA_FILE", certs.caCertFile().toString());
    if (client != null) {
      env.put("CLIENT_CERT", client.certFile().toString());
      env.put("CLIENT_KEY", client.keyFile().toString());
    }
    env.put("AUTH", auth);
    return python.start(env, "tls_client.py");
  }

  @Test
  void shouldRoundTripAMessageOverVerifiedTlsWithAPassword() {
    try (PythonProcess p = run(pikaClient, "plain")) {
      assertThat(p.awaitSuccess(RUN)).containsExactly("CONNECTED", "GOT hello over TLS from pika");
    }
  }

  @Test
  void shouldLogInWithTheClientCertificateViaExternal() {
    try (PythonProcess p = run(pikaClient, "external")) {
      assertThat(p.awaitSuccess(RUN)).containsExactly("CONNECTED", "GOT hello over TLS from pika");
    }
  }

  @Test
  void shouldRefuseExternalForACertificateWithoutUser() {
    Issued stranger = certs.client("stranger", "O=Warren tests,CN=nobody-here");
    try (PythonProcess p = run(stranger, "external")) {
      assertThat(p.awaitExit(RUN)).isEqualTo(2);
      assertThat(p.stdout()).singleElement().asString().startsWith("REFUSED");
    }
  }

  @Test
  void shouldRefuseAClientWithoutCertificate() {
    try (PythonProcess p = run(null, "plain")) {
      assertThat(p.awaitExit(RUN)).isEqualTo(2);
      assertThat(p.stdout()).singleElement().asString().startsWith("REFUSED");
    }
  }
}
