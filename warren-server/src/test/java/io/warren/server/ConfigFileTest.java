package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.broker.BrokerConfig;
import io.warren.broker.auth.CertificateLogin;
import io.warren.broker.tls.TlsOptions;
import io.warren.broker.tls.TlsProvider;
import io.warren.management.ManagementSettings;
import io.warren.management.http.HttpLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir
  Path dir;

  private BrokerConfig apply(String text) throws IOException {
    Path file = dir.resolve("rabbitmq.conf");
    Files.writeString(file, text);
    return ConfigFile.read(file).applyTo(BrokerConfig.defaults());
  }

  @Test
  void readsTheHttpListenersLimitsAndHeadersInRabbitMqsUnits() throws IOException {
    Path file = dir.resolve("http.conf");
    Files.writeString(file, """
        management.tcp.request_timeout = 2000
        management.tcp.idle_timeout = 30000
        management.tcp.inactivity_timeout = 120000
        management.http_max_body_size = 1048576
        management.headers.frame_options = DENY
        prometheus.tcp.request_timeout = 3000
        """);
    ConfigFile config = ConfigFile.read(file);
    config.applyTo(BrokerConfig.defaults()); // all keys known
    ManagementSettings m = config.managementSettings();
    assertThat(m.limits().requestTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(m.limits().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(m.limits().inactivityTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(m.limits().maxBodySize()).isEqualTo(1048576);
    assertThat(m.frameOptions()).isEqualTo("DENY");
    assertThat(m.contentTypeOptions()).isEqualTo("nosniff");
    assertThat(config.prometheusLimits().requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.prometheusLimits().idleTimeout()).isEqualTo(HttpLimits.DEFAULTS.idleTimeout());

    Files.writeString(file, "management.tcp.request_timeout = 0\n");
    assertThatThrownBy(() -> ConfigFile.read(file).managementSettings()).hasMessageContaining("positive");
  }

  @Test
  void readsRabbitMqKeysAndWarrensOwn() throws IOException {
    BrokerConfig c = apply("""
        # a comment
        listeners.tcp.default = 127.0.0.1:5673
        heartbeat = 30
        disk_free_limit.absolute = 2GB
        vm_memory_high_watermark.absolute = 512MiB
        io_threads = 3
        """);
    assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(5673);
    assertThat(c.heartbeat()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.diskFreeLimit()).isEqualTo(2_000_000_000L);
    assertThat(c.memoryLimit()).isEqualTo(512L * 1024 * 1024);
    assertThat(c.ioThreads()).isEqualTo(3);
  }

  @Test
  void aRelativeMemoryWatermarkIsAShareOfTheMaximumHeap() throws IOException {
    assertThat(BrokerConfig.defaults().effectiveMemoryLimit())
        .isEqualTo((long) (0.4 * Runtime.getRuntime().maxMemory()));
    BrokerConfig c = apply("vm_memory_high_watermark.relative = 0.25\n");
    assertThat(c.memoryLimit()).isEqualTo((long) (0.25 * Runtime.getRuntime().maxMemory()));
    assertThatThrownBy(() -> apply("vm_memory_high_watermark.relative = 1.5\n"))
        .isInstanceOf(IOException.class).hasMessageContaining("between 0 and 1");
  }

  @Test
  void maxMessageSizeIsRabbitMqsKeyWithItsDefaultAndCeiling() throws IOException {
    assertThat(BrokerConfig.defaults().maxMessageSize()).isEqualTo(134_217_728L);
    assertThat(apply("max_message_size = 1048576\n").maxMessageSize()).isEqualTo(1_048_576L);
    assertThat(apply("max_message_size = 536870912\n").maxMessageSize()).isEqualTo(536_870_912L);
    assertThatThrownBy(() -> apply("max_message_size = 536870913\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("between 1 and 536870912");
    assertThatThrownBy(() -> apply("max_message_size = 0\n")).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> apply("max_message_size = 1MB\n")).isInstanceOf(IOException.class);
  }

  @Test
  void refusesUnknownKeys() {
    assertThatThrownBy(() -> apply("no_such_key = 1\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("unknown configuration key 'no_such_key'");
  }

  @Test
  void readsRabbitMqsTlsAndAuthenticationKeys() throws IOException {
    BrokerConfig c = apply("""
        listeners.ssl.default = 5671
        ssl_options.cacertfile = /etc/warren/ca.pem
        ssl_options.certfile = /etc/warren/server.pem
        ssl_options.keyfile = /etc/warren/server-key.pem
        ssl_options.verify = verify_peer
        ssl_options.fail_if_no_peer_cert = true
        ssl_options.versions.2 = tlsv1.2
        ssl_options.versions.1 = tlsv1.3
        auth_mechanisms.2 = PLAIN
        auth_mechanisms.1 = EXTERNAL
        ssl_cert_login_from = common_name
        ssl_provider = jdk
        """);
    assertThat(c.sslPort()).isEqualTo(5671);
    TlsOptions tls = c.sslOptions();
    assertThat(tls.caCertFile()).isEqualTo(Path.of("/etc/warren/ca.pem"));
    assertThat(tls.certFile()).isEqualTo(Path.of("/etc/warren/server.pem"));
    assertThat(tls.keyFile()).isEqualTo(Path.of("/etc/warren/server-key.pem"));
    assertThat(tls.verifyPeer()).isTrue();
    assertThat(tls.failIfNoPeerCert()).isTrue();
    assertThat(tls.versions()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(tls.provider()).isEqualTo(TlsProvider.JDK);
    assertThat(c.authMechanisms()).containsExactly("EXTERNAL", "PLAIN");
    assertThat(c.sslCertLoginFrom()).isEqualTo(CertificateLogin.COMMON_NAME);
  }

  @Test
  void tlsIsOffAndRabbitMqsDefaultsApplyUntilConfigured() throws IOException {
    BrokerConfig c = apply("heartbeat = 30\n");
    assertThat(c.sslPort()).isEqualTo(-1);
    assertThat(c.authMechanisms()).containsExactly("PLAIN", "AMQPLAIN");
    assertThat(c.sslCertLoginFrom()).isEqualTo(CertificateLogin.DISTINGUISHED_NAME);
    BrokerConfig verifyDefaults = apply("""
        listeners.ssl.default = 5671
        ssl_options.certfile = s.pem
        ssl_options.keyfile = k.pem
        """);
    assertThat(verifyDefaults.sslOptions().verifyPeer()).isFalse();
    assertThat(verifyDefaults.sslOptions().versions()).containsExactly("TLSv1.3", "TLSv1.2");
  }

  @Test
  void refusesTlsSettingsItDoesNotImplement() {
    assertThatThrownBy(() -> apply("listeners.ssl.default = 5671\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("needs ssl_options.certfile and ssl_options.keyfile");
    assertThatThrownBy(() -> apply("ssl_options.versions.1 = tlsv1.1\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("Warren supports tlsv1.2 and tlsv1.3");
    assertThatThrownBy(() -> apply("ssl_options.ciphers.1 = AES\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("'ssl_options.ciphers.1' is not supported by Warren");
    assertThatThrownBy(() -> apply("ssl_options.verify = verify_maybe\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("verify_peer or verify_none");
    assertThatThrownBy(() -> apply("auth_mechanisms.1 = RABBIT-CR-DEMO\n")).isInstanceOf(IOException.class)
        .hasMessageContaining("Warren supports PLAIN, AMQPLAIN and EXTERNAL");
    assertThatThrownBy(() -> apply("ssl_cert_login_from = subject_alternative_name\n"))
        .isInstanceOf(IOException.class).hasMessageContaining("distinguished_name or common_name");
  }

  @Test
  void readsManagementAndPrometheusHttpsKeys() throws IOException {
    Path file = dir.resolve("rabbitmq.conf");
    Files.writeString(file, """
        management.ssl.port = 15671
        management.ssl.cacertfile = ca.pem
        management.ssl.certfile = server.pem
        management.ssl.keyfile = key.pem
        prometheus.ssl.port = 15691
        prometheus.ssl.certfile = server.pem
        prometheus.ssl.keyfile = key.pem
        """);
    ConfigFile config = ConfigFile.read(file);
    config.applyTo(BrokerConfig.defaults());
    HttpListeners management = new HttpListeners("management", 15672);
    management.readFrom(config);
    management.check();
    // as RabbitMQ: with only HTTPS configured, there is no HTTP listener
    assertThat(management.port()).isEqualTo(-1);
    assertThat(management.sslPort()).isEqualTo(15671);
    assertThat(management.tls().caCertFile()).isEqualTo(Path.of("ca.pem"));
    HttpListeners prometheus = new HttpListeners("prometheus", 15692);
    prometheus.readFrom(config);
    assertThat(prometheus.sslPort()).isEqualTo(15691);
    assertThat(prometheus.tls().keyFile()).isEqualTo(Path.of("key.pem"));
    HttpListeners unconfigured = new HttpListeners("management", 15672);
    unconfigured.readFrom(ConfigFile.read(writeConfig("heartbeat = 30\n")));
    assertThat(unconfigured.port()).isEqualTo(15672);
    assertThat(unconfigured.sslPort()).isEqualTo(-1);
  }

  private Path writeConfig(String text) throws IOException {
    Path file = dir.resolve("other.conf");
    Files.writeString(file, text);
    return file;
  }
}
