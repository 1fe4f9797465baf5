package io.warren.it.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.it.support.ProcessRunner;
import io.warren.it.support.PythonRunner;
import io.warren.it.support.PythonRunner.PythonProcess;
import io.warren.mqtt.MqttSettings;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MQTT 3.1.1 as users meet it: mosquitto_pub / mosquitto_sub and paho-mqtt against Warren's
 * MQTT listener, with RabbitMQ's Java client on the AMQP side of the same exchanges and queues.
 * Each test uses its own client ids and topics, so they share one broker.
 */
class MqttTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static MqttTestBroker broker;

  @BeforeAll
  static void start() throws Exception {
    PythonRunner.requireModules("python3-paho-mqtt", "paho.mqtt.client");
    broker = MqttTestBroker.start(MqttSettings.defaults());
  }

  @AfterAll
  static void stop() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void mosquittoPublishReachesAnAmqpConsumerOnAmqTopic() throws Exception {
    try (Connection c = broker.amqp().newConnection()) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, "amq.topic", "sensors.kitchen.temp");

      assertThat(broker.mosquittoPub("-t", "sensors/kitchen/temp", "-m", "21.5", "-q", "1").exitCode()).isZero();
      assertThat(broker.mosquittoPub("-t", "sensors/kitchen/temp", "-m", "22.0").exitCode()).isZero();

      GetResponse first = awaitMessage(ch, q);
      assertThat(new String(first.getBody(), StandardCharsets.UTF_8)).isEqualTo("21.5");
      assertThat(first.getEnvelope().getRoutingKey()).isEqualTo("sensors.kitchen.temp");
      assertThat(first.getProps().getDeliveryMode()).isEqualTo(2);
      assertThat(first.getProps().getHeaders()).containsEntry("x-mqtt-publish-qos", (byte) 1)
          .containsEntry("x-mqtt-dup", false);
      GetResponse second = awaitMessage(ch, q);
      assertThat(new String(second.getBody(), StandardCharsets.UTF_8)).isEqualTo("22.0");
      assertThat(second.getProps().getDeliveryMode()).isEqualTo(1);
      assertThat(second.getProps().getHeaders()).containsEntry("x-mqtt-publish-qos", (byte) 0);
    }
  }

  @Test
  void amqpPublishToAmqTopicReachesMosquittoSub() throws Exception {
    CompletableFuture<ProcessRunner.Result> sub = CompletableFuture.supplyAsync(() ->
        broker.mosquittoSub("-i", "alarm-panel", "-t", "alerts/+", "-v", "-C", "2", "-W", "15"));
    awaitConsumer("mqtt-subscription-alarm-panelqos0");
    try (Connection c = broker.amqp().newConnection()) {
      Channel ch = c.createChannel();
      ch.basicPublish("amq.topic", "alerts.fire", null, "hot".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("amq.topic", "alerts.flood", null, "wet".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("amq.topic", "other.fire", null, "not for it".getBytes(StandardCharsets.UTF_8));
    }
    ProcessRunner.Result result = sub.get(30, TimeUnit.SECONDS);
    assertThat(result.lines()).containsExactly("alerts/fire hot", "alerts/flood wet");
    assertThat(result.exitCode()).isZero();
  }

  @Test
  void qos1AndQos2PublishesReachAPahoSubscriberAtTheGrantedQos() throws Exception {
    try (PythonProcess sub = broker.python(null, null).start(Map.of(), "mqtt_client.py",
        "subscribe", "paho-q", "1", "2", "plant/+/level", "2")) {
      assertThat(sub.awaitLine("SUBACK .*", WAIT)).isEqualTo("SUBACK 1"); // QoS 2 granted as 1
      awaitConsumer("mqtt-subscription-paho-qqos1");
      assertThat(broker.mosquittoPub("-t", "plant/a/level", "-m", "one", "-q", "1").exitCode()).isZero();
      assertThat(broker.mosquittoPub("-t", "plant/b/level", "-m", "two", "-q", "2").exitCode()).isZero();
      sub.awaitSuccess(WAIT);
      assertThat(sub.stdout()).contains("MSG plant/a/level 1 0 0 one", "MSG plant/b/level 1 0 0 two");
    }
  }

  @Test
  void retainedMessagesAreSentOnSubscribeSurviveARestartAndCanBeCleared() throws Exception {
    assertThat(broker.mosquittoPub("-t", "status/dev1", "-m", "online", "-r", "-q", "1").exitCode()).isZero();
    broker.restart();
    ProcessRunner.Result got = broker.mosquittoSub("-t", "status/+", "-v", "-C", "1", "-W", "10");
    assertThat(got.lines()).containsExactly("status/dev1 online");

    assertThat(broker.mosquittoPub("-t", "status/dev1", "-n", "-r", "-q", "1").exitCode()).isZero();
    ProcessRunner.Result none = broker.mosquittoSub("-t", "status/+", "-v", "-C", "1", "-W", "2");
    assertThat(none.lines()).doesNotContain("status/dev1 online");
    assertThat(none.exitCode()).isNotZero(); // timed out without a message
  }

  @Test
  void aPersistentSessionKeepsItsQos1MessagesAcrossDisconnectAndRestart() throws Exception {
    PythonRunner python = broker.python(null, null);
    List<String> first = python.run(WAIT, "mqtt_client.py", "subscribe", "keeper", "0", "1", "news/#", "0");
    assertThat(first).contains("CONNACK session_present=0", "SUBACK 1");
    for (String m : List.of("m1", "m2", "m3")) {
      assertThat(broker.mosquittoPub("-t", "news/local", "-m", m, "-q", "1").exitCode()).isZero();
    }
    broker.restart();
    python = broker.python(null, null); // the listener's port changed
    List<String> second = python.run(WAIT, "mqtt_client.py", "subscribe", "keeper", "0", "1", "news/#", "3");
    assertThat(second).contains("CONNACK session_present=1");
    // recovered messages come back as redelivered, so DUP (the fourth field) may be set
    assertThat(second.stream().filter(l -> l.startsWith("MSG")).map(l -> l.replaceFirst(" [01] (\\S+)$", " $1")))
        .containsExactly("MSG news/local 1 0 m1", "MSG news/local 1 0 m2", "MSG news/local 1 0 m3");

    // a clean session throws the old one away
    List<String> clean = python.run(WAIT, "mqtt_client.py", "connect-only", "keeper", "1");
    assertThat(clean).contains("CONNACK session_present=0");
    assertThat(broker.broker().broker().vhosts().get("/").queue("mqtt-subscription-keeperqos1")).isNull();
  }

  @Test
  void aSecondConnectionWithTheSameClientIdClosesTheFirst() throws Exception {
    PythonRunner python = broker.python(null, null);
    try (PythonProcess holder = python.start(Map.of(), "mqtt_client.py", "hold", "twin")) {
      holder.awaitLine("CONNECTED", WAIT);
      python.run(WAIT, "mqtt_client.py", "connect-only", "twin", "1");
      assertThat(holder.awaitLine("DISCONNECTED rc=.*", WAIT)).isNotEqualTo("DISCONNECTED rc=0");
    }
  }

  @Test
  void theWillIsPublishedWhenAClientDisappears() throws Exception {
    try (Connection c = broker.amqp().newConnection()) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, "amq.topic", "wills.#");
      try (PythonProcess p = broker.python(null, null).start(Map.of(), "mqtt_client.py", "will", "mortal",
          "wills/mortal", "gone")) {
        p.awaitLine("CONNECTED", WAIT);
        assertThat(ch.basicGet(q, true)).isNull();
      } // killed: no DISCONNECT
      GetResponse will = awaitMessage(ch, q);
      assertThat(new String(will.getBody(), StandardCharsets.UTF_8)).isEqualTo("gone");
      assertThat(will.getEnvelope().getRoutingKey()).isEqualTo("wills.mortal");
    }
  }

  @Test
  void usersLogInWithTheirVhostAndPermissionsApply() throws Exception {
    BrokerDefinitions defs = broker.broker().broker().definitions();
    defs.addVhost("iot", BrokerDefinitions.VhostMetadata.NONE);
    defs.putUser(new User("device", PasswordHash.of("s3cret"), Set.of()));
    defs.setPermissions("device", "iot", Permissions.FULL);
    defs.setPermissions("guest", "iot", Permissions.FULL);
    defs.putUser(new User("reader", PasswordHash.of("r"), Set.of()));
    defs.setPermissions("reader", "/", Permissions.of("", "", ".*"));

    assertThat(broker.mosquittoPub("-u", "guest", "-P", "wrong", "-t", "a/b", "-m", "x").output())
        .contains("bad user name or password");
    assertThat(broker.mosquittoPub("-u", "device", "-P", "s3cret", "-t", "a/b", "-m", "x").output())
        .contains("not authorised"); // device has no permissions in "/"

    var iot = broker.amqp();
    iot.setVirtualHost("iot");
    try (Connection c = iot.newConnection()) {
      Channel ch = c.createChannel();
      String q = ch.queueDeclare().getQueue();
      ch.queueBind(q, "amq.topic", "meters.m1");
      assertThat(broker.mosquittoPub("-u", "iot:device", "-P", "s3cret", "-t", "meters/m1", "-m", "42", "-q", "1")
          .exitCode()).isZero();
      assertThat(new String(awaitMessage(ch, q).getBody(), StandardCharsets.UTF_8)).isEqualTo("42");
    }

    // no configure permission for its subscription queue: the subscription fails (SUBACK 0x80)
    List<String> refused = broker.python("reader", "r").run(WAIT, "mqtt_client.py",
        "subscribe", "reader-1", "1", "1", "x/y", "0");
    assertThat(refused).contains("SUBACK 128");
  }

  @Test
  void mqtt5IsRefusedWithUnsupportedProtocolVersion() {
    ProcessRunner.Result r = broker.mosquittoPub("-V", "mqttv5", "-t", "a/b", "-m", "x");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).containsIgnoringCase("unsupported protocol version");
  }

  @Test
  void aClientSilentForOneAndAHalfKeepalivesIsDisconnected() throws Exception {
    try (Socket s = new Socket("127.0.0.1", broker.mqttPort())) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      byte[] id = "silent".getBytes(StandardCharsets.US_ASCII);
      // CONNECT, MQTT 3.1.1, clean session, keepalive 1 s
      byte[] variable = {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 1};
      out.write(new byte[] {0x10, (byte) (variable.length + 2 + id.length)});
      out.write(variable);
      out.write(new byte[] {0, (byte) id.length});
      out.write(id);
      out.flush();
      InputStream in = s.getInputStream();
      byte[] connack = in.readNBytes(4);
      assertThat(connack).containsExactly(0x20, 2, 0, 0);
      long started = System.nanoTime();
      assertThat(in.read()).isEqualTo(-1); // closed by the broker
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(1000),
          Duration.ofMillis(4000));
    }
  }

  private static GetResponse awaitMessage(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null) {
        return r;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no message in " + queue + " within " + WAIT);
  }

  private static void awaitConsumer(String queue) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      var q = broker.broker().broker().vhosts().get("/").queue(queue);
      if (q != null && q.consumerCount() > 0) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("nobody consumes " + queue + " within " + WAIT);
  }
}
