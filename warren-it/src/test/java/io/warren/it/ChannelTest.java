package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertConnectionError;
import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.awaitShutdown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Command;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.support.BrokerTestSupport;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The channel class: open, close, flow, and how far an error reaches. */
@Tag("spec-channel")
class ChannelTest extends BrokerTestSupport {

  private Connection connection;

  @BeforeEach
  void open() {
    connection = connect();
  }

  @Test
  void shouldOpenAndCloseAChannel() throws Exception {
    Channel ch = connection.createChannel();
    assertThat(ch.isOpen()).isTrue();
    assertRoundTrip(ch);
    ch.close();
    assertThat(ch.isOpen()).isFalse();
    ShutdownSignalException reason = ch.getCloseReason();
    assertThat(reason.isInitiatedByApplication()).isTrue();
    assertThat(reason.isHardError()).isFalse();
    assertThat(connection.isOpen()).isTrue();
  }

  @Test
  void shouldReuseAChannelNumberAfterClose() throws Exception {
    Channel first = connection.createChannel(42);
    first.close();
    Channel second = connection.createChannel(42);
    assertThat(second.getChannelNumber()).isEqualTo(42);
    assertRoundTrip(second);
  }

  @Test
  void shouldAnswerFlowActiveWithFlowOk() throws Exception {
    Channel ch = connection.createChannel();
    Command reply = ch.asyncCompletableRpc(new AMQP.Channel.Flow.Builder().active(true).build())
        .get(5, TimeUnit.SECONDS);
    assertThat(reply.getMethod()).isInstanceOf(AMQP.Channel.FlowOk.class);
    assertThat(((AMQP.Channel.FlowOk) reply.getMethod()).getActive()).isTrue();
    assertRoundTrip(ch);
  }

  @Test
  void shouldCloseConnectionWith540WhenClientAsksToStopFlow() throws Exception {
    Channel ch = connection.createChannel();
    AMQP.Connection.Close close = assertConnectionError(connection, 540,
        "NOT_IMPLEMENTED - active=false",
        () -> ch.asyncCompletableRpc(new AMQP.Channel.Flow.Builder().active(false).build())
            .get(5, TimeUnit.SECONDS));
    assertThat(close.getClassId()).isEqualTo(20);
    assertThat(close.getMethodId()).isEqualTo(20);
  }

  @Test
  void shouldCloseOnlyTheFailingChannelOnChannelError() throws Exception {
    Channel failing = connection.createChannel();
    Channel healthy = connection.createChannel();
    String missing = uniqueName("missing-q");
    assertChannelError(failing, 404, "NOT_FOUND - no queue '" + missing + "' in vhost '/'",
        () -> failing.queueDeclarePassive(missing));
    assertThat(failing.isOpen()).isFalse();
    assertThat(healthy.isOpen()).isTrue();
    assertRoundTrip(healthy);
    assertRoundTrip(connection.createChannel());
  }

  @Test
  void shouldKeepConsumersOfOtherChannelsRunningAfterChannelError() throws Exception {
    Channel consuming = connection.createChannel();
    String q = consuming.queueDeclare("", false, true, true, null).getQueue();
    CompletableFuture<String> received = new CompletableFuture<>();
    consuming.basicConsume(q, true, new DefaultConsumer(consuming) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties,
          byte[] body) {
        received.complete(new String(body, StandardCharsets.UTF_8));
      }
    });
    Channel failing = connection.createChannel();
    assertChannelError(failing, 404, "NOT_FOUND - no exchange 'missing-" + q + "' in vhost '/'",
        () -> failing.basicPublish("missing-" + q, "k", null, new byte[] {1}));
    connection.createChannel().basicPublish("", q, null, "after".getBytes(StandardCharsets.UTF_8));
    assertThat(received.get(5, TimeUnit.SECONDS)).isEqualTo("after");
  }

  @Test
  void shouldNotLetAClientUseAChannelTheBrokerClosed() throws Exception {
    Channel ch = connection.createChannel();
    String missing = uniqueName("missing-q");
    assertChannelError(ch, 404, "NOT_FOUND - no queue '" + missing + "' in vhost '/'",
        () -> ch.queueDeclarePassive(missing));
    assertThatThrownBy(() -> ch.basicPublish("", "any", null, new byte[] {1}))
        .isInstanceOf(AlreadyClosedException.class);
    assertRoundTrip(connection);
  }

  @Test
  void shouldCloseEveryChannelOnConnectionError() throws Exception {
    Channel failing = connection.createChannel();
    Channel bystanderChannel = connection.createChannel();
    Connection otherConnection = connect();
    AMQP.Connection.Close close = assertConnectionError(connection, 503,
        "COMMAND_INVALID - unknown exchange type 'x-no-such-type'",
        () -> failing.exchangeDeclare(uniqueName("x"), "x-no-such-type"));
    assertThat(connection.isOpen()).isFalse();
    // the client tells each channel about the connection's end on a thread of its own
    ShutdownSignalException channelSignal = awaitShutdown(bystanderChannel);
    assertThat(channelSignal.isHardError()).isTrue();
    assertThat(channelSignal.getReason()).isEqualTo(close);
    assertRoundTrip(otherConnection);
  }

  @Test
  void shouldKeepEachChannelsModeToItself() throws Exception {
    Channel confirming = connection.createChannel();
    Channel transactional = connection.createChannel();
    Channel plain = connection.createChannel();
    confirming.confirmSelect();
    transactional.txSelect();
    String q = plain.queueDeclare("", false, true, true, null).getQueue();
    transactional.basicPublish("", q, null, "tx".getBytes(StandardCharsets.UTF_8));
    confirming.basicPublish("", q, null, "confirmed".getBytes(StandardCharsets.UTF_8));
    confirming.waitForConfirmsOrDie(5_000);
    // the transactional publish waits for commit; the confirmed one is already there
    assertThat(plain.queueDeclarePassive(q).getMessageCount()).isEqualTo(1);
    transactional.txCommit();
    assertThat(plain.queueDeclarePassive(q).getMessageCount()).isEqualTo(2);
  }
}
