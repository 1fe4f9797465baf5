package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.it.support.CloseReasons;
import io.warren.it.support.WarrenProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real server stopped with SIGTERM, as an init system stops it, and started again on the same
 * data folder by a new JVM.
 */
@Tag("durability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessRestartTest {

  /** A clean stop has nothing slow to do: close connections, sync, close files. */
  private static final Duration CLEAN_STOP_LIMIT = Duration.ofSeconds(5);

  @TempDir
  Path dir;

  @Test
  void shouldExitZeroSoonAfterSigtermWithClientsConnected() throws Exception {
    try (WarrenProcess broker = WarrenProcess.start(dir.resolve("data"), dir.resolve("warren.out"))) {
      Connection c = broker.connectionFactory().newConnection();
      Channel ch = c.createChannel();
      ch.queueDeclare("q", true, false, false, null);
      ch.basicConsume("q", false, new com.rabbitmq.client.DefaultConsumer(ch));

      long stopping = System.nanoTime();
      Integer exitCode = broker.terminate(Duration.ofSeconds(15));
      Duration took = Duration.ofNanos(System.nanoTime() - stopping);

      assertThat(exitCode).as("exit code after SIGTERM (null: still running); output:%n%s", broker.output())
          .isEqualTo(0);
      assertThat(took).as("time from SIGTERM to exit").isLessThan(CLEAN_STOP_LIMIT);
    }
  }

  @Test
  void shouldKeepDurableStateAcrossASigtermRestart() throws Exception {
    Path data = dir.resolve("data");
    Path output = dir.resolve("warren.out");
    try (WarrenProcess first = WarrenProcess.start(data, output)) {
      Connection c = first.connectionFactory().newConnection();
      Channel ch = c.createChannel();
      ch.confirmSelect();
      ch.exchangeDeclare("orders", BuiltinExchangeType.TOPIC, true);
      ch.queueDeclare("orders.eu", true, false, false, null);
      ch.queueBind("orders.eu", "orders", "order.eu.*");
      ch.queueDeclare("scratch", false, false, false, null);
      ch.exchangeDeclare("scratch-x", BuiltinExchangeType.FANOUT, false);
      for (int i = 1; i <= 100; i++) {
        ch.basicPublish("orders", "order.eu.created", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("order-" + i));
        ch.basicPublish("orders", "order.eu.created", MessageProperties.TEXT_PLAIN, utf8("transient-" + i));
      }
      ch.waitForConfirmsOrDie(10_000);
      for (int i = 1; i <= 20; i++) { // order-1..10 and transient-1..10, interleaved
        GetResponse r = ch.basicGet("orders.eu", false);
        ch.basicAck(r.getEnvelope().getDeliveryTag(), false);
      }
      ch.queueDeclarePassive("orders.eu"); // the acks are handled before this answers

      assertThat(first.terminate(Duration.ofSeconds(15))) // the client is still connected
          .as("SIGTERM stopped the broker; output:%n%s", first.output()).isNotNull();
    }

    try (WarrenProcess second = WarrenProcess.start(data, output);
        Connection c = second.connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      ch.exchangeDeclarePassive("orders");
      List<String> left = new ArrayList<>();
      for (GetResponse r = ch.basicGet("orders.eu", true); r != null; r = ch.basicGet("orders.eu", true)) {
        left.add(new String(r.getBody(), StandardCharsets.UTF_8));
      }
      assertThat(left).containsExactlyElementsOf(
          IntStream.rangeClosed(11, 100).mapToObj(i -> "order-" + i).toList());
      ch.confirmSelect();
      ch.basicPublish("orders", "order.eu.shipped", MessageProperties.PERSISTENT_TEXT_PLAIN, utf8("routed"));
      ch.waitForConfirmsOrDie(5_000);
      assertThat(ch.queueDeclarePassive("orders.eu").getMessageCount())
          .as("the binding survived: a new message was routed").isEqualTo(1);

      Channel q = c.createChannel();
      CloseReasons.assertChannelError(q, 404, "NOT_FOUND - no queue 'scratch' in vhost '/'",
          () -> q.queueDeclarePassive("scratch"));
      Channel x = c.createChannel();
      CloseReasons.assertChannelError(x, 404, "NOT_FOUND - no exchange 'scratch-x' in vhost '/'",
          () -> x.exchangeDeclarePassive("scratch-x"));
    }
  }

  @Test
  void shouldRefuseASecondServerOnTheSameDataFolder() throws Exception {
    Path data = dir.resolve("data");
    try (WarrenProcess running = WarrenProcess.start(data, dir.resolve("first.out"))) {
      Process second = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("warren.server.jar"),
          "--bind", "127.0.0.1", "--port", "0", "--data-dir", data.toString())
          .redirectErrorStream(true)
          .redirectOutput(dir.resolve("second.out").toFile())
          .start();
      try {
        assertThat(second.waitFor(20, TimeUnit.SECONDS)).as("second server exited").isTrue();
        assertThat(second.exitValue()).isNotZero();
        assertThat(java.nio.file.Files.readString(dir.resolve("second.out")))
            .contains("in use");
        assertThat(running.isAlive()).isTrue();
      } finally {
        second.destroyForcibly();
      }
    }
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
