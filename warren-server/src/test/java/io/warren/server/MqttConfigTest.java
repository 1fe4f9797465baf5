package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.broker.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MqttConfigTest {

  @TempDir
  Path dir;

  private MqttConfig.Listener read(String text) throws IOException {
    Path file = dir.resolve("rabbitmq.conf");
    Files.writeString(file, text);
    ConfigFile config = ConfigFile.read(file);
    config.applyTo(BrokerConfig.defaults()); // the broker accepts the mqtt.* keys too
    return MqttConfig.read(config, "0.0.0.0");
  }

  @Test
  void offWithoutMqttKeysAsTheRabbitMqPluginShipsDisabled() throws IOException {
    assertThat(read("heartbeat = 30\n").enabled()).isFalse();
    assertThat(MqttConfig.read(null, "0.0.0.0").enabled()).isFalse();
  }

  @Test
  void readsRabbitMqsMqttKeys() throws IOException {
    MqttConfig.Listener l = read("""
        mqtt.listeners.tcp.default = 127.0.0.1:1884
        mqtt.vhost = iot
        mqtt.exchange = mqtt.events
        mqtt.default_user = device
        mqtt.default_pass = pw
        mqtt.allow_anonymous = false
        mqtt.prefetch = 50
        mqtt.subscription_ttl = 60000
        """);
    assertThat(l.enabled()).isTrue();
    assertThat(l.bindAddress()).isEqualTo("127.0.0.1");
    assertThat(l.port()).isEqualTo(1884);
    assertThat(l.settings().vhost()).isEqualTo("iot");
    assertThat(l.settings().exchange()).isEqualTo("mqtt.events");
    assertThat(l.settings().defaultUser()).isEqualTo("device");
    assertThat(l.settings().defaultPass()).isEqualTo("pw");
    assertThat(l.settings().allowAnonymous()).isFalse();
    assertThat(l.settings().prefetch()).isEqualTo(50);
    assertThat(l.settings().subscriptionTtl()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void anyMqttKeyEnablesTheListenerOn1883AndNoneTurnsItOff() throws IOException {
    MqttConfig.Listener on = read("mqtt.vhost = /\n");
    assertThat(on.enabled()).isTrue();
    assertThat(on.port()).isEqualTo(1883);
    assertThat(read("mqtt.listeners.tcp = none\nmqtt.vhost = /\n").enabled()).isFalse();
  }

  @Test
  void refusesValuesItCannotHonour() {
    assertThatThrownBy(() -> read("mqtt.allow_anonymous = maybe\n")).hasMessageContaining("true or false");
    assertThatThrownBy(() -> read("mqtt.prefetch = lots\n")).hasMessageContaining("must be a number");
    assertThatThrownBy(() -> read("mqtt.tcp_listen_options.backlog = 10\n"))
        .hasMessageContaining("unknown configuration key");
  }
}
