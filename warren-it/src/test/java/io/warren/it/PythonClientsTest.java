package io.warren.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.PythonRunner;
import io.warren.it.support.PythonRunner.PythonProcess;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The six RabbitMQ tutorials, written in Python with pika, and a Celery worker, run as real
 * processes against the broker under test; each test asserts exactly what the programs print.
 *
 * <p>The programs live in {@code src/test/python} (see {@code tutorial_env.py} for the
 * environment they read). Receivers print {@code READY <queue>} once they consume, so senders
 * start only when their messages can be delivered; receivers stop on their own after a
 * {@code MESSAGE_LIMIT} or an {@code IDLE_TIMEOUT}, and every process is killed when its test
 * ends. Names carry a per-test suffix, so runs sharing a RabbitMQ node do not meet.
 */
class PythonClientsTest extends BrokerTestSupport {

  private static final Duration START = Duration.ofSeconds(15);
  private static final Duration RUN = Duration.ofSeconds(15);
  /** Safety net for receivers that expect a fixed number of messages. */
  private static final String SAFETY_IDLE_SECONDS = "10";

  private String suffix;
  private PythonRunner python;
  private final List<String> queuesToDelete = new ArrayList<>();
  private final List<String> exchangesToDelete = new ArrayList<>();

  @BeforeAll
  static void requirePika() {
    PythonRunner.requireModules("python3-pika", "pika");
  }

  @BeforeEach
  void prepare() {
    suffix = "-" + uniqueName("py");
    python = PythonRunner.fromSystemProperty(PythonRunner.environment(pikaUrl(), suffix));
  }

  @AfterEach
  void deleteWhatTheProgramsDeclared() throws Exception {
    try (Connection c = connectionFactory().newConnection()) {
      for (String q : queuesToDelete) {
        final Channel ch = c.createChannel();
        ch.queueDelete(q);
        ch.close();
      }
      for (String x : exchangesToDelete) {
        final Channel ch = c.createChannel();
        ch.exchangeDelete(x);
        ch.close();
      }
    }
  }

  /** Tutorial 1: one message from send.py to receive.py over the default exchange. */
  @Test
  void helloWorldReachesTheReceiver() {
    queuesToDelete.add("hello" + suffix);
    try (PythonProcess receiver = startReceiver(1, "receive.py")) {
      assertThat(receiver.awaitLine("READY .*", START)).isEqualTo("READY hello" + suffix);

      assertThat(python.run(RUN, "send.py")).containsExactly("Sent 'Hello World!'");

      assertThat(receiver.awaitSuccess(RUN))
          .containsExactly("READY hello" + suffix, "Received 'Hello World!'");
    }
  }

  /**
   * Tutorial 2: with prefetch 1 and manual acks, the worker busy with a long task gets nothing
   * more until it acks, so the idle worker takes every quick task, in order.
   */
  @Test
  void workQueueGivesQuickTasksToTheIdleWorker() {
    queuesToDelete.add("task_queue" + suffix);
    final String longTask = "long" + ".".repeat(60); // 3 s at 0.05 s per dot
    final List<String> quickTasks = List.of("first.", "second.", "third.", "fourth.");
    final Map<String, String> workerEnv = Map.of("DOT_SECONDS", "0.05", "IDLE_TIMEOUT", "2");
    try (PythonProcess workerA = python.start(workerEnv, "worker.py");
        PythonProcess workerB = python.start(workerEnv, "worker.py")) {
      workerA.awaitLine("READY task_queue.*", START);
      workerB.awaitLine("READY task_queue.*", START);

      for (String task : concat(longTask, quickTasks)) {
        assertThat(python.run(RUN, "new_task.py", task)).containsExactly("Queued '" + task + "'");
      }

      final List<String> a = workerA.awaitSuccess(RUN);
      final List<String> b = workerB.awaitSuccess(RUN);
      final List<String> busy = a.contains("Received '" + longTask + "'") ? a : b;
      final List<String> idle = busy == a ? b : a;
      assertThat(busy).containsExactly(
          "READY task_queue" + suffix, "Received '" + longTask + "'", "Done '" + longTask + "'");
      final List<String> expected = new ArrayList<>();
      expected.add("READY task_queue" + suffix);
      for (String task : quickTasks) {
        expected.add("Received '" + task + "'");
        expected.add("Done '" + task + "'");
      }
      assertThat(idle).containsExactlyElementsOf(expected);
    }
    assertThat(messageCount("task_queue" + suffix)).isZero();
  }

  /**
   * Tutorial 3: every subscriber's server-named exclusive queue gets every line from the fanout
   * exchange, and the queue is gone once its subscriber disconnects.
   */
  @Test
  void fanoutDeliversEveryLogLineToEverySubscriber() throws Exception {
    exchangesToDelete.add("logs" + suffix);
    final List<String> lines = List.of("info: starting", "warning: disk at 91%", "error: gone");
    try (PythonProcess first = startReceiver(3, "receive_logs.py");
        PythonProcess second = startReceiver(3, "receive_logs.py")) {
      final String firstQueue = first.awaitLine("READY .*", START).substring("READY ".length());
      final String secondQueue = second.awaitLine("READY .*", START).substring("READY ".length());
      assertThat(firstQueue).startsWith("amq.gen-").isNotEqualTo(secondQueue);
      assertThat(secondQueue).startsWith("amq.gen-");

      for (String line : lines) {
        assertThat(python.run(RUN, "emit_log.py", line)).containsExactly("Sent '" + line + "'");
      }

      final List<String> received = lines.stream().map(l -> "Received '" + l + "'").toList();
      assertThat(first.awaitSuccess(RUN).subList(1, 4)).containsExactlyElementsOf(received);
      assertThat(second.awaitSuccess(RUN).subList(1, 4)).containsExactlyElementsOf(received);
      assertThat(first.stdout()).hasSize(4);
      assertThat(second.stdout()).hasSize(4);

      assertQueueGone(firstQueue);
      assertQueueGone(secondQueue);
    }
  }

  /**
   * Tutorial 4: a direct exchange delivers a line only to queues bound with its severity; a
   * severity nobody bound is dropped.
   */
  @Test
  void directExchangeRoutesBySeverity() {
    exchangesToDelete.add("direct_logs" + suffix);
    try (PythonProcess errorsOnly = startReceiver(1, "receive_logs_direct.py", "error");
        PythonProcess everything =
            startReceiver(3, "receive_logs_direct.py", "info", "warning", "error")) {
      errorsOnly.awaitLine("READY amq\\.gen-.*", START);
      everything.awaitLine("READY amq\\.gen-.*", START);

      // "debug" comes before the last expected line, so delivering it anywhere would show.
      emit("emit_log_direct.py", "info", "cache warmed");
      emit("emit_log_direct.py", "debug", "noise nobody bound");
      emit("emit_log_direct.py", "warning", "slow disk");
      emit("emit_log_direct.py", "error", "disk failed");

      assertThat(errorsOnly.awaitSuccess(RUN)).hasSize(2)
          .endsWith("Received error:'disk failed'");
      assertThat(everything.awaitSuccess(RUN)).hasSize(4).endsWith(
          "Received info:'cache warmed'",
          "Received warning:'slow disk'",
          "Received error:'disk failed'");
    }
  }

  /**
   * Tutorial 5: '*' matches exactly one word and '#' zero or more; a message matching two
   * bindings of one queue reaches it once; the tutorial's own examples.
   */
  @Test
  void topicExchangeMatchesStarAndHash() {
    exchangesToDelete.add("topic_logs" + suffix);
    try (PythonProcess oranges = startReceiver(3, "receive_logs_topic.py", "*.orange.*");
        PythonProcess rabbitsAndLazy =
            startReceiver(6, "receive_logs_topic.py", "*.*.rabbit", "lazy.#")) {
      oranges.awaitLine("READY amq\\.gen-.*", START);
      rabbitsAndLazy.awaitLine("READY amq\\.gen-.*", START);

      // Unmatched topics come before the last expected one, so a wrong delivery would show.
      for (String topic : List.of(
          "quick.orange.rabbit",     // both
          "quick.brown.fox",         // neither
          "lazy.pink.rabbit",        // second, once although both its bindings match
          "quick.orange.fox",        // first
          "orange",                  // neither: '*.orange.*' needs three words
          "quick.orange.new.rabbit", // neither: '*' is one word, not two
          "lazy",                    // second: '#' matches zero words
          "lazy.orange.new.rabbit",  // second
          "lazy.brown.fox",          // second
          "lazy.orange.elephant")) { // both
        emit("emit_log_topic.py", topic, "msg");
      }

      assertThat(oranges.awaitSuccess(RUN)).hasSize(4).endsWith(
          "Received quick.orange.rabbit:'msg'",
          "Received quick.orange.fox:'msg'",
          "Received lazy.orange.elephant:'msg'");
      assertThat(rabbitsAndLazy.awaitSuccess(RUN)).hasSize(7).endsWith(
          "Received quick.orange.rabbit:'msg'",
          "Received lazy.pink.rabbit:'msg'",
          "Received lazy:'msg'",
          "Received lazy.orange.new.rabbit:'msg'",
          "Received lazy.brown.fox:'msg'",
          "Received lazy.orange.elephant:'msg'");
    }
  }

  /** Tutorial 6: request/reply with a correlation id and an exclusive callback queue. */
  @Test
  void rpcClientGetsFibonacciOnItsCallbackQueue() {
    assertRpc("rpc_client.py");
  }

  /** Tutorial 6 again, with replies by direct reply-to instead of a callback queue. */
  @Test
  void rpcClientGetsFibonacciByDirectReplyTo() {
    assertRpc("rpc_client_direct_reply.py");
  }

  /**
   * A Celery worker (kombu over py-amqp, results by the rpc:// backend) runs tasks sent by a
   * client process: plain results, several in flight, retries with a countdown (ETA tasks the
   * worker holds unacked while raising its prefetch), a failure, and a remote-control shutdown
   * broadcast over the worker's fanout pidbox, after which the worker exits cleanly.
   */
  @Test
  void celeryWorkerRunsTasksSentByAClient() {
    PythonRunner.requireModules("python3-celery", "celery");
    final String queue = "celery" + suffix;
    queuesToDelete.add(queue);
    exchangesToDelete.addAll(List.of(queue, queue + ".pidbox", "reply." + queue + ".pidbox",
        "celeryev" + suffix));
    final String workerName = "worker" + suffix + "@localhost";
    try (PythonProcess worker = python.startModule(Map.of(), "celery", "-A", "tasks", "worker",
        "--pool=solo", "--concurrency=1", "--loglevel=info", "--hostname=" + workerName)) {
      worker.awaitLine(".*" + Pattern.quote(workerName) + " ready\\.", Duration.ofSeconds(20));

      assertThat(python.run(Duration.ofSeconds(30), "celery_client.py", workerName))
          .containsExactly(
              "add(2, 3) = 5",
              "add(i, 10i) for i < 5 = [0, 11, 22, 33, 44]",
              "flaky(2) = succeeded after 2 retries",
              "fail('boom') raised ValueError: boom",
              "shutdown sent to " + workerName);

      assertThat(worker.awaitExit(Duration.ofSeconds(15)))
          .as("worker exit status%s", worker.transcript()).isZero();
      assertThat(worker.stderr())
          .filteredOn(line -> line.matches(".*Task tasks\\.flaky\\[.*\\] retry: Retry in .*"))
          .hasSize(2);
      assertThat(worker.stderr()).anyMatch(line -> line.endsWith("Got shutdown from remote"));
    }
  }

  private void assertRpc(final String client) {
    queuesToDelete.add("rpc_queue" + suffix);
    try (PythonProcess server = startReceiver(3, "rpc_server.py")) {
      server.awaitLine("READY rpc_queue.*", START);

      assertThat(python.run(RUN, client, "0", "10", "30"))
          .containsExactly("fib(0) = 0", "fib(10) = 55", "fib(30) = 832040");

      assertThat(server.awaitSuccess(RUN)).containsExactly("READY rpc_queue" + suffix,
          "fib(0) requested", "fib(10) requested", "fib(30) requested");
    }
  }

  private static List<String> concat(final String first, final List<String> rest) {
    final List<String> all = new ArrayList<>();
    all.add(first);
    all.addAll(rest);
    return all;
  }

  private PythonProcess startReceiver(final int messages, final String script,
      final String... args) {
    return python.start(
        Map.of("MESSAGE_LIMIT", Integer.toString(messages), "IDLE_TIMEOUT", SAFETY_IDLE_SECONDS),
        script, args);
  }

  private void emit(final String script, final String key, final String line) {
    assertThat(python.run(RUN, script, key, line))
        .containsExactly("Sent " + key + ":'" + line + "'");
  }

  private long messageCount(final String queue) {
    try (Connection c = connectionFactory().newConnection()) {
      return c.createChannel().queueDeclarePassive(queue).getMessageCount();
    } catch (Exception e) {
      throw new AssertionError("cannot inspect queue " + queue, e);
    }
  }

  /** Exclusive queues go with their connection; RabbitMQ may take a moment after close-ok. */
  private void assertQueueGone(final String queue) throws Exception {
    final long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    try (Connection c = connectionFactory().newConnection()) {
      while (true) {
        final Channel ch = c.createChannel();
        try {
          ch.queueDeclarePassive(queue);
          ch.close();
        } catch (IOException e) {
          // 404 closes the channel; anything else (405: still owned) means "not yet".
          if (e.getCause().getMessage().contains("reply-code=404")) {
            return;
          }
        }
        assertThat(System.nanoTime()).as("exclusive queue %s still exists", queue)
            .isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  /** pika reads a URL without a path as vhost "/" too, but say so rather than rely on it. */
  private static String pikaUrl() {
    final String uri = amqpUri();
    return uri.matches("amqps?://[^/]*") ? uri + "/%2F" : uri;
  }
}
