package io.warren.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.broker.BrokerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StompConfigTest {

  @TempDir
  Path dir;

  private StompConfig.Listener read(String text) throws IOException {
    Path file = dir.resolve("rabbitmq.conf");
    Files.writeString(file, text);
    ConfigFile config = ConfigFile.read(file);
    config.applyTo(BrokerConfig.defaults());
    return StompConfig.read(config, "0.0.0.0");
  }

  @Test
  void offUnlessConfigured() throws IOException {
    assertThat(read("mqtt.vhost = /\n").enabled()).isFalse();
    assertThat(read("stomp.listeners.tcp = none\nstomp.default_vhost = /\n").enabled()).isFalse();
  }

  @Test
  void readsRabbitMqsStompKeys() throws IOException {
    StompConfig.Listener l = read("""
        stomp.listeners.tcp.default = 61614
        stomp.default_user = app
        stomp.default_pass = pw
        stomp.default_vhost = shop
        stomp.implicit_connect = true
        """);
    assertThat(l.enabled()).isTrue();
    assertThat(l.port()).isEqualTo(61614);
    assertThat(l.settings().defaultUser()).isEqualTo("app");
    assertThat(l.settings().defaultPass()).isEqualTo("pw");
    assertThat(l.settings().defaultVhost()).isEqualTo("shop");
    assertThat(l.settings().implicitConnect()).isTrue();
    assertThatThrownBy(() -> read("stomp.implicit_connect = yes\n")).hasMessageContaining("true or false");
  }
}
