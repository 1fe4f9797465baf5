package io.warren.it.mqtt;

import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.EmbeddedBroker;
import io.warren.it.support.ProcessRunner;
import io.warren.it.support.PythonRunner;
import io.warren.mqtt.MqttServer;
import io.warren.mqtt.MqttSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * An embedded broker with its MQTT listener, both on free loopback ports, that a test can
 * restart on the same data folder; plus the command-line clients users reach for
 * (mosquitto_pub / mosquitto_sub) and the paho-mqtt program {@code mqtt_client.py}.
 */
final class MqttTestBroker implements AutoCloseable {

  private final Path dataDir;
  private final MqttSettings settings;
  private EmbeddedBroker broker;
  private MqttServer mqtt;

  private MqttTestBroker(Path dataDir, MqttSettings settings) {
    this.dataDir = dataDir;
    this.settings = settings;
  }

  static MqttTestBroker start(MqttSettings settings) throws IOException {
    MqttTestBroker b = new MqttTestBroker(Files.createTempDirectory("warren-mqtt-test-"), settings);
    b.startBoth();
    return b;
  }

  private void startBoth() {
    broker = EmbeddedBroker.start(dataDir);
    mqtt = MqttServer.start(broker.broker(), "127.0.0.1", 0, settings);
  }

  void restart() {
    stopBoth();
    startBoth();
  }

  EmbeddedBroker broker() {
    return broker;
  }

  int mqttPort() {
    return mqtt.port();
  }

  ConnectionFactory amqp() {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(broker.port());
    cf.setAutomaticRecoveryEnabled(false);
    return cf;
  }

  /** Runs mosquitto_pub with {@code args} against the listener; returns its exit code and output. */
  ProcessRunner.Result mosquittoPub(String... args) {
    return mosquitto("/usr/bin/mosquitto_pub", args);
  }

  ProcessRunner.Result mosquittoSub(String... args) {
    return mosquitto("/usr/bin/mosquitto_sub", args);
  }

  private ProcessRunner.Result mosquitto(String program, String... args) {
    List<String> command = new ArrayList<>(List.of(program, "-h", "127.0.0.1", "-p", String.valueOf(mqttPort())));
    command.addAll(List.of(args));
    return ProcessRunner.run(null, Map.of(), Duration.ofSeconds(30), command);
  }

  /** A runner for mqtt_client.py pointed at the listener, logged in as {@code user} (null: anonymous). */
  PythonRunner python(String user, String password) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("MQTT_HOST", "127.0.0.1",
        "MQTT_PORT", String.valueOf(mqttPort())));
    if (user != null) {
      env.put("MQTT_USER", user);
      env.put("MQTT_PASS", password);
    }
    return PythonRunner.fromSystemProperty(env);
  }

  private void stopBoth() {
    if (mqtt != null) {
      mqtt.close();
      mqtt = null;
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  @Override
  public void close() throws IOException {
    stopBoth();
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
