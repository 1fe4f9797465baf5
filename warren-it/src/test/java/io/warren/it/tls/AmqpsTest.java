package io.warren.it.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.auth.CertificateLogin;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.tls.TlsOptions;
import io.warren.it.support.RawAmqpClient;
import io.warren.management.ManagementServer;
import io.warren.it.support.TestCertificates;
import io.warren.it.support.TestCertificates.Issued;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AMQPS with RabbitMQ's Java client: peer verification both ways, SASL EXTERNAL with client
 * certificates, and the clients that must be turned away (untrusted certificate, no
 * certificate, plaintext on the TLS port) without harm to anyone else.
 */
class AmqpsTest {

  private static final String ALICE_SUBJECT = "C=GB,O=Warren tests,CN=alice";
  /** What RabbitMQ (and OpenSSL's -nameopt RFC2253) makes of ALICE_SUBJECT: the last RDN first. */
  private static final String ALICE_DN = "CN=alice,O=Warren tests,C=GB";

  @TempDir
  static Path pki;
  @TempDir
  Path dataDir;

  private static TestCertificates certs;
  private static Issued alice;
  private EmbeddedBroker broker;

  @BeforeAll
  static void makeCertificates() {
    certs = TestCertificates.create(pki);
    alice = certs.client("alice", ALICE_SUBJECT);
  }

  @AfterEach
  void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private TlsOptions verifyingPeers(boolean failIfNoPeerCert) {
    return TlsOptions.of(certs.serverCertFile(), certs.serverKeyFile()).withCaCertFile(certs.caCertFile())
        .withPeerVerification(true, failIfNoPeerCert);
  }

  private void start(BrokerConfig config) {
    broker = EmbeddedBroker.start(config);
  }

  private BrokerConfig config(TlsOptions tls) {
    return BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir).withSsl(0, tls);
  }

  private ConnectionFactory tlsFactory(Issued clientCertificate) {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setHost("localhost");
    cf.setPort(broker.sslPort());
    cf.useSslProtocol(certs.clientContext(clientCertificate));
    cf.enableHostnameVerification();
    cf.setAutomaticRecoveryEnabled(false);
    cf.setConnectionTimeout(5_000);
    return cf;
  }

  private void addUser(String name) {
    // a password nobody sends: EXTERNAL checks none
    broker.broker().definitions().putUser(new User(name, PasswordHash.of(java.util.UUID.randomUUID().toString()),
        Set.of()));
    broker.broker().definitions().setPermissions(name, "/", Permissions.FULL);
  }

  private AmqpConnection onlyConnection() {
    assertThat(broker.broker().connections()).hasSize(1);
    return broker.broker().connections().iterator().next();
  }

  /** The broker closes a refused connection on its own loop; give it a moment. */
  private void awaitNoConnections() throws InterruptedException {
    for (int i = 0; i < 250 && !broker.broker().connections().isEmpty(); i++) {
      Thread.sleep(20);
    }
    assertThat(broker.broker().connections()).isEmpty();
  }

  private static String roundTrip(Connection connection) throws Exception {
    Channel ch = connection.createChannel();
    String queue = ch.queueDeclare().getQueue();
    ch.basicPublish("", queue, null, "over TLS".getBytes(StandardCharsets.UTF_8));
    GetResponse got = null;
    for (int i = 0; i < 100 && got == null; i++) {
      got = ch.basicGet(queue, true);
      if (got == null) {
        Thread.sleep(20);
      }
    }
    assertThat(got).as("message published over TLS").isNotNull();
    return new String(got.getBody(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldCarryMessagesOverTlsWithBothPeersVerified() throws Exception {
    start(config(verifyingPeers(true)));

    try (Connection c = tlsFactory(alice).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
      assertThat(onlyConnection().tlsSession().getProtocol()).isEqualTo("TLSv1.3");
      assertThat(onlyConnection().authMechanism()).isEqualTo("PLAIN");
    }
    // the plain port still serves
    ConnectionFactory plain = new ConnectionFactory();
    plain.setPort(broker.port());
    try (Connection c = plain.newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
    }
  }

  @Test
  void shouldNegotiateOnlyTheConfiguredVersion() throws Exception {
    start(config(verifyingPeers(false).withVersions(List.of("TLSv1.2"))));

    try (Connection c = tlsFactory(null).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
      assertThat(onlyConnection().tlsSession().getProtocol()).isEqualTo("TLSv1.2");
    }
  }

  @Test
  void shouldReadAServerKeyInPkcs1Form() throws Exception {
    Path pkcs1 = certs.serverKeyFileAsPkcs1();
    assertThat(java.nio.file.Files.readString(pkcs1)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
    start(config(TlsOptions.of(certs.serverCertFile(), pkcs1)));

    try (Connection c = tlsFactory(null).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
    }
  }

  @Test
  void shouldRefuseToStartWithoutItsCertificate() {
    TlsOptions missing = TlsOptions.of(pki.resolve("no-such-cert.pem"), certs.serverKeyFile());
    assertThatThrownBy(() -> start(config(missing))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("certfile " + pki.resolve("no-such-cert.pem") + " does not exist or cannot be read");
    TlsOptions noCa = TlsOptions.of(certs.serverCertFile(), certs.serverKeyFile()).withPeerVerification(true, false);
    assertThatThrownBy(() -> start(config(noCa))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verify_peer needs a cacertfile");
  }

  @Test
  void shouldLogInAsTheCertificatesDistinguishedNameWithExternal() throws Exception {
    start(config(verifyingPeers(true)).withAuthMechanisms(List.of("EXTERNAL", "PLAIN")));
    addUser(ALICE_DN);

    ConnectionFactory cf = tlsFactory(alice);
    cf.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    cf.setUsername("ignored");
    try (Connection c = cf.newConnection();
        ManagementServer management = ManagementServer.start(broker.broker(), "127.0.0.1", 0)) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
      assertThat(onlyConnection().user().name()).isEqualTo(ALICE_DN);
      assertThat(onlyConnection().authMechanism()).isEqualTo("EXTERNAL");
      // and so the management API shows it
      HttpResponse<String> connections = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + management.port() + "/api/connections"))
          .header("Authorization", "Basic Z3Vlc3Q6Z3Vlc3Q=").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(connections.body()).contains("\"auth_mechanism\":\"EXTERNAL\"",
          "\"peer_cert_subject\":\"" + ALICE_DN + "\"", "\"peer_cert_issuer\":\"O=Warren tests,CN=Warren Test CA\"",
          "\"ssl\":true", "\"ssl_protocol\":\"tlsv1.3\"", "\"user\":\"" + ALICE_DN + "\"");
    }
  }

  @Test
  void shouldLogInAsTheCommonNameWhenConfigured() throws Exception {
    start(config(verifyingPeers(true)).withAuthMechanisms(List.of("EXTERNAL"))
        .withSslCertLoginFrom(CertificateLogin.COMMON_NAME));
    addUser("alice");

    ConnectionFactory cf = tlsFactory(alice);
    cf.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    try (Connection c = cf.newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
      assertThat(onlyConnection().user().name()).isEqualTo("alice");
    }
  }

  @Test
  void shouldRefuseExternalForACertificateWhoseUserDoesNotExist() throws Exception {
    start(config(verifyingPeers(true)).withAuthMechanisms(List.of("EXTERNAL", "PLAIN")));
    Issued bob = certs.client("bob", "O=Warren tests,CN=bob");

    ConnectionFactory cf = tlsFactory(bob);
    cf.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    assertThatThrownBy(cf::newConnection).isInstanceOf(AuthenticationFailureException.class)
        .hasMessageContaining("ACCESS_REFUSED - Login was refused using authentication mechanism EXTERNAL. "
            + "For details see the broker logfile.");
  }

  @Test
  void shouldRefuseExternalFromAClientWithoutCertificate() throws Exception {
    start(config(verifyingPeers(false)).withAuthMechanisms(List.of("EXTERNAL", "PLAIN")));

    ConnectionFactory cf = tlsFactory(null);
    cf.setSaslConfig(DefaultSaslConfig.EXTERNAL);
    assertThatThrownBy(cf::newConnection).isInstanceOf(AuthenticationFailureException.class)
        .hasMessageContaining("Login was refused using authentication mechanism EXTERNAL");
    // with a password it gets in: verify_peer without fail_if_no_peer_cert admits it
    try (Connection c = tlsFactory(null).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
    }
  }

  @Test
  void shouldRefusePasswordsWhenOnlyExternalIsConfigured() throws Exception {
    start(config(verifyingPeers(true)).withAuthMechanisms(List.of("EXTERNAL")));

    try (SSLSocket s = (SSLSocket) certs.clientContext(alice).getSocketFactory()
        .createSocket("127.0.0.1", broker.sslPort())) {
      assertThat(mechanismsOffered(s)).isEqualTo("EXTERNAL");
      // PLAIN with guest's right password, but not offered: closed without a word, as RabbitMQ
      s.getOutputStream().write(RawAmqpClient.frame(RawAmqpClient.FRAME_METHOD, 0,
          RawAmqpClient.methodPayload(10, 11, new RawAmqpClient.Args().emptyTable().shortstr("PLAIN")
              .longstr("\0guest\0guest".getBytes(StandardCharsets.UTF_8)).shortstr("en_US")),
          RawAmqpClient.FRAME_END));
      s.getOutputStream().flush();
      assertThat(s.getInputStream().read()).isEqualTo(-1);
    }
    awaitNoConnections();
  }

  @Test
  void shouldRefuseAClientCertificateFromAnUntrustedCa() throws Exception {
    start(config(verifyingPeers(true)));
    Issued mallory = certs.untrustedClient("mallory", "O=Warren tests,CN=mallory");

    assertThatThrownBy(() -> tlsFactory(mallory).newConnection()).satisfiesAnyOf(
        e -> assertThat(e).isInstanceOf(SSLException.class),
        e -> assertThat(e).hasRootCauseInstanceOf(SSLException.class),
        e -> assertThat(e).isInstanceOf(java.net.SocketException.class));
    awaitNoConnections();
    try (Connection c = tlsFactory(alice).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
    }
  }

  @Test
  void shouldRefuseAClientWithoutCertificateWhenFailIfNoPeerCert() throws Exception {
    start(config(verifyingPeers(true)));

    assertThatThrownBy(() -> tlsFactory(null).newConnection()).isInstanceOf(java.io.IOException.class);
    awaitNoConnections();
  }

  @Test
  void shouldCloseAPlaintextClientOnTheTlsPortAndKeepServingOthers() throws Exception {
    start(config(verifyingPeers(true)));

    try (Socket s = new Socket("127.0.0.1", broker.sslPort())) {
      s.setSoTimeout(5_000);
      OutputStream out = s.getOutputStream();
      out.write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
      out.flush();
      InputStream in = s.getInputStream();
      byte[] reply = in.readAllBytes(); // ends when the broker closes the socket
      assertThat(new String(reply, StandardCharsets.ISO_8859_1)).doesNotContain("AMQP");
    }
    // the Java client without TLS fails in the same way
    ConnectionFactory plainOnTlsPort = new ConnectionFactory();
    plainOnTlsPort.setPort(broker.sslPort());
    plainOnTlsPort.setConnectionTimeout(5_000);
    plainOnTlsPort.setHandshakeTimeout(5_000);
    assertThatThrownBy(plainOnTlsPort::newConnection).isInstanceOf(java.io.IOException.class);

    try (Connection c = tlsFactory(alice).newConnection()) {
      assertThat(roundTrip(c)).isEqualTo("over TLS");
    }
  }

  @Test
  void shouldOfferExternalOnlyOverTlsAndInTheConfiguredOrder() throws Exception {
    start(config(verifyingPeers(true)).withAuthMechanisms(List.of("EXTERNAL", "PLAIN", "AMQPLAIN")));

    try (SSLSocket s = (SSLSocket) certs.clientContext(alice).getSocketFactory()
        .createSocket("127.0.0.1", broker.sslPort())) {
      assertThat(mechanismsOffered(s)).isEqualTo("EXTERNAL PLAIN AMQPLAIN");
    }
    try (Socket s = new Socket("127.0.0.1", broker.port())) {
      assertThat(mechanismsOffered(s)).isEqualTo("PLAIN AMQPLAIN");
    }
  }

  /** Sends the protocol header and reads connection.start's mechanisms field. */
  private static String mechanismsOffered(Socket s) throws Exception {
    s.setSoTimeout(5_000);
    s.getOutputStream().write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 1});
    s.getOutputStream().flush();
    java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
    in.readUnsignedByte(); // frame type
    in.readUnsignedShort(); // channel
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(payload);
    b.getShort(); // class 10
    b.getShort(); // method 10
    b.get(); // version major
    b.get(); // version minor
    b.position(b.position() + 4 + b.getInt(b.position())); // server properties
    byte[] mechanisms = new byte[b.getInt()];
    b.get(mechanisms);
    in.readUnsignedByte(); // frame end
    return new String(mechanisms, StandardCharsets.UTF_8);
  }
}
