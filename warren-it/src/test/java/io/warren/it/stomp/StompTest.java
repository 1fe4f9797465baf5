package io.warren.it.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.broker.EmbeddedBroker;
import io.warren.it.support.PythonRunner;
import io.warren.it.support.PythonRunner.PythonProcess;
import io.warren.stomp.StompServer;
import io.warren.stomp.StompSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * STOMP as users meet it: stomp.py (Debian's python3-stomp) against Warren's STOMP listener,
 * with RabbitMQ's Java client on the AMQP side of the same queues and exchanges.
 */
class StompTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static Path dataDir;
  private static EmbeddedBroker broker;
  private static StompServer stomp;
  private static PythonRunner python;

  @BeforeAll
  static void start() throws IOException {
    PythonRunner.requireModules("python3-stomp", "stomp");
    dataDir = Files.createTempDirectory("warren-stomp-test-");
    broker = EmbeddedBroker.start(dataDir);
    stomp = StompServer.start(broker.broker(), "127.0.0.1", 0, StompSettings.defaults());
    python = PythonRunner.fromSystemProperty(Map.of("STOMP_HOST", "127.0.0.1",
        "STOMP_PORT", String.valueOf(stomp.port())));
  }

  @AfterAll
  static void stop() throws IOException {
    if (stomp != null) {
      stomp.close();
    }
    if (broker != null) {
      broker.close();
    }
    try (Stream<Path> paths = Files.walk(dataDir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static Connection amqp() throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(broker.port());
    return cf.newConnection();
  }

  @Test
  void sendToAQueueDeclaresItAndAnAmqpConsumerSeesTheHeadersAsProperties() throws Exception {
    List<String> out = python.run(WAIT, "stomp_client.py", "send", "/queue/orders", "order-1",
        "persistent=true", "content-type=text/plain", "correlation-id=c-9", "reply-to=/queue/replies",
        "priority=3", "x-shop=north");
    assertThat(out).containsExactly("RECEIPT");
    try (Connection c = amqp()) {
      Channel ch = c.createChannel();
      GetResponse r = ch.basicGet("orders", true);
      assertThat(r).isNotNull();
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("order-1");
      AMQP.BasicProperties p = r.getProps();
      assertThat(p.getDeliveryMode()).isEqualTo(2);
      assertThat(p.getContentType()).isEqualTo("text/plain");
      assertThat(p.getCorrelationId()).isEqualTo("c-9");
      assertThat(p.getReplyTo()).isEqualTo("/queue/replies");
      assertThat(p.getPriority()).isEqualTo(3);
      assertThat(p.getHeaders().get("x-shop").toString()).isEqualTo("north");
      assertThat(ch.queueDeclarePassive("orders").getQueue()).isEqualTo("orders"); // declared durable by SEND
    }
  }

  @Test
  void aTopicSubscriberGetsWhatAmqpPublishesToAmqTopic() throws Exception {
    try (PythonProcess sub = python.start(Map.of(), "stomp_client.py", "subscribe", "/topic/news.*", "auto", "2");
        Connection c = amqp()) {
      sub.awaitLine("READY", WAIT);
      Channel ch = c.createChannel();
      ch.basicPublish("amq.topic", "news.sport", new AMQP.BasicProperties.Builder().contentType("text/plain")
          .headers(Map.of("edition", "late")).build(), "goal".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("amq.topic", "weather.today", null, "rain".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("amq.topic", "news.arts", null, "opera".getBytes(StandardCharsets.UTF_8));
      sub.awaitSuccess(WAIT);
      assertThat(sub.stdout()).contains("MESSAGE /topic/news.sport false goal content-type=text/plain edition=late",
          "MESSAGE /topic/news.arts false opera ");
    }
  }

  @Test
  void clientIndividualAcksAndANackedMessageComesBackRedelivered() throws Exception {
    try (Connection c = amqp()) {
      Channel ch = c.createChannel();
      ch.queueDeclare("jobs", true, false, false, null);
      ch.basicPublish("", "jobs", null, "job-1".getBytes(StandardCharsets.UTF_8));
      ch.basicPublish("", "jobs", null, "job-2".getBytes(StandardCharsets.UTF_8));
      List<String> out = python.run(WAIT, "stomp_client.py", "subscribe", "/amq/queue/jobs", "client-individual",
          "2", "nack-first");
      assertThat(out.stream().filter(l -> l.startsWith("MESSAGE")).map(String::strip).toList())
          .containsExactly("MESSAGE /queue/jobs false job-1", "MESSAGE /queue/jobs false job-2",
              "MESSAGE /queue/jobs true job-1");
      assertThat(ch.queueDeclarePassive("jobs").getMessageCount()).isZero(); // all acked
    }
  }

  @Test
  void anAbortedTransactionSendsNothingAndACommittedOneSendsItsMessages() throws Exception {
    try (Connection c = amqp()) {
      Channel ch = c.createChannel();
      ch.queueDeclare("ledger", true, false, false, null);
      assertThat(python.run(WAIT, "stomp_client.py", "transaction", "/queue/ledger")).containsExactly("DONE");
      GetResponse r = ch.basicGet("ledger", true);
      assertThat(new String(r.getBody(), StandardCharsets.UTF_8)).isEqualTo("kept");
      assertThat(ch.basicGet("ledger", true)).isNull();
    }
  }

  @Test
  void errorsAreErrorFramesWithRabbitMqsTexts() {
    assertThat(python.run(WAIT, "stomp_client.py", "error", "/exchange/missing/key"))
        .containsExactly("ERROR not_found | NOT_FOUND - no exchange 'missing' in vhost '/'");
    assertThat(python.run(WAIT, "stomp_client.py", "error", "/temp-queue/mine"))
        .containsExactly("ERROR Unsupported destination | Warren does not serve /temp-queue/mine destinations yet.");
  }

  @Test
  void aBadLoginIsRefusedWithAnErrorFrame() {
    try (PythonProcess p = python.start(Map.of("STOMP_PASS", "wrong"), "stomp_client.py", "send", "/queue/x", "y")) {
      assertThat(p.awaitExit(WAIT)).isNotZero();
      assertThat(p.transcript()).contains("ERROR Bad CONNECT | Access refused for user 'guest'");
    }
  }
}
