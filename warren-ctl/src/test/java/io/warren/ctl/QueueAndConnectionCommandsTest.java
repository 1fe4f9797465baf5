package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.impl.NetworkConnection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** purge_queue, delete_queue and close_connection, with their effect seen over AMQP. */
class QueueAndConnectionCommandsTest {

  private static ManagementApi api;
  private static Ctl ctl;
  private Connection connection;
  private Channel channel;
  private String queue;

  @BeforeAll
  static void start() {
    api = ManagementApi.start();
    ctl = new Ctl(api);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void declareQueueWithTwoMessages() throws Exception {
    connection = api.amqp().newConnection();
    channel = connection.createChannel();
    queue = Ctl.unique("ctl-q");
    channel.queueDeclare(queue, false, false, false, null);
    channel.confirmSelect();
    channel.basicPublish("", queue, null, "a".getBytes(StandardCharsets.UTF_8));
    channel.basicPublish("", queue, null, "b".getBytes(StandardCharsets.UTF_8));
    channel.waitForConfirmsOrDie(5_000);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (connection.isOpen()) {
      connection.createChannel().queueDelete(queue);
      connection.close();
    }
  }

  @Test
  void purgeQueueEmptiesIt() throws Exception {
    Ctl.Result r = ctl.run("purge_queue", queue);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo("Purging queue '" + queue + "' in vhost '/' ...\n");
    assertThat(channel.messageCount(queue)).isZero();
  }

  @Test
  void purgeQueueThatDoesNotExistExits69() {
    Ctl.Result r = ctl.run("purge_queue", queue + "-missing");

    assertThat(r.code()).isEqualTo(69);
    assertThat(r.err()).isEqualTo(
        "Error:\nQueue '" + queue + "-missing' in vhost '/' not found\n");
  }

  @Test
  void deleteQueueSaysHowManyReadyMessagesWentWithIt() throws Exception {
    ctl.untilLine(queue + "\t2", "-q", "list_queues");

    Ctl.Result r = ctl.run("delete_queue", queue);

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.lines()).containsExactly("Deleting queue '" + queue + "' on vhost '/' ...",
        "Queue was successfully deleted with 2 ready messages");
    assertQueueGone();
  }

  @Test
  void deleteQueueIfEmptyRefusesAQueueWithMessages() throws Exception {
    Ctl.Result r = ctl.run("delete_queue", "--if-empty", queue);

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.out()).isEqualTo(
        "Deleting queue '" + queue + "' on vhost '/' if queue is empty ...\n");
    assertThat(r.err()).isEqualTo("Error:\nQueue is not empty\n");
    assertThat(channel.messageCount(queue)).isEqualTo(2);
  }

  @Test
  void deleteQueueIfUnusedRefusesAQueueWithAConsumer() throws Exception {
    channel.basicConsume(queue, false, new DefaultConsumer(channel));

    Ctl.Result r = ctl.run("delete_queue", "-u", queue);

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.out()).isEqualTo(
        "Deleting queue '" + queue + "' on vhost '/' if queue is unused ...\n");
    assertThat(r.err()).isEqualTo("Error:\nQueue is in use\n");
  }

  @Test
  void deleteQueueThatDoesNotExistExits64() {
    Ctl.Result r = ctl.run("-q", "delete_queue", queue + "-missing");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo(
        "Error:\nQueue '" + queue + "-missing' in vhost '/' not found\n");
  }

  @Test
  void closeConnectionClosesItWithTheExplanationAsReason() throws Exception {
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    connection.addShutdownListener(closed::complete);
    String port = Integer.toString(((NetworkConnection) connection).getLocalPort());
    Ctl.Result names = ctl.until(x -> x.out().contains(":" + port + " -> "),
        "-s", "list_connections", "name");
    String name = names.lines().stream().filter(l -> l.contains(":" + port + " -> "))
        .findFirst().orElseThrow(() -> new AssertionError(names));

    Ctl.Result r = ctl.run("close_connection", name, "maintenance window");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).isEqualTo(
        "Closing connection " + name + ", reason: maintenance window...\n");
    ShutdownSignalException signal = closed.get(5, TimeUnit.SECONDS);
    AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
    assertThat(close.getReplyCode()).isEqualTo(320);
    assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - maintenance window");

    Ctl.Result again = ctl.run("close_connection", name, "again");
    assertThat(again.code()).isEqualTo(69);
    assertThat(again.err()).isEqualTo("Error:\nConnection '" + name + "' not found\n");
    try (Connection c = api.amqp().newConnection()) {
      c.createChannel().queueDelete(queue);
    }
  }

  private void assertQueueGone() throws Exception {
    Channel ch = connection.createChannel();
    try {
      ch.queueDeclarePassive(queue);
      throw new AssertionError("queue " + queue + " still exists");
    } catch (IOException expected) {
      assertThat(expected.getCause()).isInstanceOf(ShutdownSignalException.class);
    }
  }
}
