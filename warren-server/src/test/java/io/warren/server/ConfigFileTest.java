package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.broker.BrokerConfig;
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
}
