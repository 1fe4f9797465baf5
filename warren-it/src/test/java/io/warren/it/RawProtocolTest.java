package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.getWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.Args;
import io.warren.it.support.RawAmqpClient.CloseReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Malformed and out-of-order input written frame by frame. Each test provokes the broker on a
 * connection of its own and checks the exact reply code, text and offending method it answers
 * with; afterwards a connection opened before the provocation must still complete a
 * publish/get round trip, because bad input from one client must never hurt another.
 */
@Tag("spec-framing")
class RawProtocolTest extends BrokerTestSupport {

  private static final byte[] HEARTBEAT_WITH_BAD_END = {8, 0, 0, 0, 0, 0, 0, 0};

  private Connection bystander;

  @BeforeEach
  void openBystander() {
    bystander = connect();
  }

  @AfterEach
  void bystanderStillWorks() throws Exception {
    assertRoundTrip(bystander);
  }

  @Test
  void shouldAnswerUnsupportedProtocolVersionWithItsOwnHeaderAndClose() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      raw.send(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9, 2});
      assertThat(raw.readUntilClosed(100)).isEqualTo(RawAmqpClient.PROTOCOL_HEADER);
    }
  }

  @Test
  void shouldAnswerHttpRequestWithProtocolHeaderAndClose() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      raw.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(raw.readUntilClosed(100)).isEqualTo(RawAmqpClient.PROTOCOL_HEADER);
    }
  }

  @Test
  void shouldCloseWith501WhenGarbageFollowsTheHandshake() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      // read as a frame header: type 'h' (104), channel "el", size "lo, " = 1819225120
      raw.send("hello, this is not amqp".getBytes(StandardCharsets.US_ASCII));
      assertConnectionClosed(raw, 501,
          "FRAME_ERROR - type 104, all octets = <<>>: {frame_too_large,1819225120,131064}", 0, 0);
    }
  }

  @Test
  void shouldCloseWith501OnUnknownFrameType() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.sendFrame(9, 0, new byte[] {5});
      assertConnectionClosed(raw, 501, "FRAME_ERROR - type 9, all octets = <<5>>: unknown_frame",
          0, 0);
    }
  }

  @Test
  void shouldCloseWith501WhenFrameHeaderAnnouncesMoreThanFrameMax() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      int size = raw.frameMax() + 1;
      // only the header is sent: the broker must judge the size before reading the payload
      raw.send(new byte[] {3, 0, 1, (byte) (size >>> 24), (byte) (size >>> 16),
          (byte) (size >>> 8), (byte) size});
      assertConnectionClosed(raw, 501, "FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,"
          + size + "," + (raw.frameMax() - 8) + "}", 0, 0);
    }
  }

  @Test
  void shouldAcceptBodyFrameThatFillsFrameMaxExactly() throws Exception {
    Channel ch = bystander.createChannel();
    String queue = ch.queueDeclare("", false, false, true, null).getQueue();
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      byte[] body = new byte[raw.frameMax() - 8];
      Arrays.fill(body, (byte) 'x');
      raw.openChannel(1);
      raw.publish(1, "", queue, body);
      GetResponse got = getWithin(ch, queue);
      assertThat(got).isNotNull();
      assertThat(got.getBody()).isEqualTo(body);
    } finally {
      ch.queueDelete(queue);
      ch.close();
    }
  }

  @Test
  void shouldCloseWith501OnBadFrameEndOctet() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.send(HEARTBEAT_WITH_BAD_END);
      assertConnectionClosed(raw, 501,
          "FRAME_ERROR - type 8, all octets = <<>>: {invalid_frame_end_marker,0}", 0, 0);
    }
  }

  @Test
  void shouldCloseWith504OnMethodForChannelNeverOpened() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.sendMethod(3, 50, 10, queueDeclarePassive("any-queue"));
      assertConnectionClosed(raw, 504, "CHANNEL_ERROR - expected 'channel.open'", 50, 10);
    }
  }

  @Test
  void shouldCloseWith504OnPublishToChannelAlreadyClosed() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 20, 40, channelClose());
      raw.expectMethod(1, 20, 41);
      raw.publish(1, "", "any-queue", new byte[] {1});
      assertConnectionClosed(raw, 504, "CHANNEL_ERROR - expected 'channel.open'", 60, 40);
    }
  }

  @Test
  void shouldCloseWith504OnSecondChannelOpen() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 20, 10, new Args().shortstr(""));
      assertConnectionClosed(raw, 504, "CHANNEL_ERROR - second 'channel.open' seen", 20, 10);
    }
  }

  @Test
  void shouldCloseWith505OnBodyInsteadOfContentHeader() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {1, 2, 3});
      assertConnectionClosed(raw, 505, "UNEXPECTED_FRAME - expected content header for class 60, "
          + "got non content header frame instead", 60, 40);
    }
  }

  @Test
  void shouldCloseWith505OnMethodInsteadOfContentHeader() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      assertConnectionClosed(raw, 505, "UNEXPECTED_FRAME - expected content header for class 60, "
          + "got non content header frame instead", 60, 40);
    }
  }

  @Test
  void shouldCloseWith505OnContentHeaderOfAnotherClass() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      byte[] header = RawAmqpClient.contentHeader(3);
      header[1] = 50; // class queue instead of basic
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, header);
      assertConnectionClosed(raw, 505, "UNEXPECTED_FRAME - expected content header for class 60, "
          + "got one for class 50 instead", 60, 40);
    }
  }

  @Test
  void shouldCloseWith505OnMethodInsteadOfContentBody() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(3));
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", "any-queue"));
      assertConnectionClosed(raw, 505,
          "UNEXPECTED_FRAME - expected content body, got non content body frame instead", 60, 40);
    }
  }

  @Test
  void shouldCloseWith505OnContentBodyWithNoMethod() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {1, 2, 3});
      assertConnectionClosed(raw, 505,
          "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
    }
  }

  @Test
  void shouldCloseWith505OnContentHeaderWithNoMethod() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(3));
      assertConnectionClosed(raw, 505,
          "UNEXPECTED_FRAME - expected method frame, got non method frame instead", 0, 0);
    }
  }

  @Test
  void shouldCloseWith505OnHeartbeatOnNonZeroChannel() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendFrame(RawAmqpClient.FRAME_HEARTBEAT, 1, new byte[0]);
      assertConnectionClosed(raw, 505, "UNEXPECTED_FRAME - type 8, all octets = <<>>", 0, 0);
    }
  }

  @Test
  void shouldCloseWith504OnChannelMethodOnChannelZero() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.sendMethod(0, 50, 10, queueDeclarePassive("any-queue"));
      assertConnectionClosed(raw, 504,
          "CHANNEL_ERROR - unexpected method in connection state running", 50, 10);
    }
  }

  @Test
  void shouldCloseWith504OnUnsolicitedConnectionCloseOk() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.sendMethod(0, 10, 51, new Args());
      assertConnectionClosed(raw, 504,
          "CHANNEL_ERROR - unexpected method in connection state running", 10, 51);
    }
  }

  @Test
  void shouldCloseWith503OnConnectionMethodOnAChannel() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 10, 40, new Args().shortstr("/").shortstr("").bits(false));
      assertConnectionClosed(raw, 503, "COMMAND_INVALID - unimplemented method", 10, 40);
    }
  }

  @Test
  void shouldCloseWith503OnUnsolicitedChannelCloseOk() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 20, 41, new Args());
      assertConnectionClosed(raw, 503, "COMMAND_INVALID - unimplemented method", 20, 41);
    }
  }

  @Test
  void shouldCloseWith501OnTruncatedMethodArguments() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      // queue.declare cut off after the queue name: reserved short 0, shortstr "q"
      raw.sendMethod(1, 50, 10, new Args().shortUint(0).shortstr("q"));
      assertConnectionClosed(raw, 501, "FRAME_ERROR - cannot decode <<0,0,1,113>>", 50, 10);
    }
  }

  @Test
  void shouldDropConnectionOnUnknownMethod() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 999, new Args());
      // RabbitMQ gives up on the connection without a connection.close; a close is tolerated
      RawAmqpClient.Frame f;
      while ((f = raw.readFrame()) != null) {
        assertThat(f.method().classId() * 100 + f.method().methodId()).isEqualTo(1050);
        raw.sendMethod(0, 10, 51, new Args());
      }
    }
  }

  @Test
  void shouldIgnoreFramesOnAClosingChannelUntilCloseOk() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      String missing = uniqueName("missing-queue");
      raw.sendMethod(1, 50, 10, queueDeclarePassive(missing));
      CloseReason first = raw.expectChannelClose(1);
      assertThat(first.replyCode()).isEqualTo(404);
      assertThat(first.replyText()).isEqualTo("NOT_FOUND - no queue '" + missing
          + "' in vhost '/'");
      // the broker waits for close-ok and drops whatever else comes on the channel meanwhile
      raw.sendMethod(1, 50, 10, queueDeclarePassive(missing));
      raw.publish(1, "", missing, new byte[] {1});
      raw.sendChannelCloseOk(1);
      // the channel number is free again; the next answer on it is for the new channel
      raw.openChannel(1);
      raw.sendMethod(1, 20, 40, channelClose());
      raw.expectMethod(1, 20, 41);
    }
  }

  @Test
  void shouldKeepOtherChannelsOfTheConnectionOpenOnChannelError() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.openChannel(2);
      raw.sendMethod(1, 50, 10, queueDeclarePassive(uniqueName("missing-queue")));
      assertThat(raw.expectChannelClose(1).replyCode()).isEqualTo(404);
      raw.sendChannelCloseOk(1);
      raw.sendMethod(2, 20, 40, channelClose());
      raw.expectMethod(2, 20, 41);
    }
  }

  private static Args queueDeclarePassive(String queue) {
    return new Args().shortUint(0).shortstr(queue).bits(true).emptyTable();
  }

  private static Args channelClose() {
    return new Args().shortUint(200).shortstr("bye").shortUint(0).shortUint(0);
  }

  /**
   * Expects connection.close with exactly this code, text and offending method, answers
   * close-ok, and expects the broker to close the socket then.
   */
  private static void assertConnectionClosed(RawAmqpClient raw, int code, String text,
      int classId, int methodId) throws Exception {
    CloseReason reason = raw.expectConnectionClose();
    assertThat(reason.replyCode()).as("reply code").isEqualTo(code);
    assertThat(reason.replyText()).as("reply text").isEqualTo(text);
    assertThat(reason.classId()).as("class id").isEqualTo(classId);
    assertThat(reason.methodId()).as("method id").isEqualTo(methodId);
    assertThat(raw.isClosedByBroker()).as("socket closed after close-ok").isTrue();
  }
}
