package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.getWithin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.CloseReason;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A content header declares the body size in 8 bytes, and the broker must not believe it
 * before the bytes come: memory follows what arrived, the size is an unsigned 64-bit number
 * checked against max_message_size (RabbitMQ's 406 text), and a body longer than declared is a
 * frame error. Messages split over many frames still arrive byte for byte.
 */
@Tag("spec-framing")
class MessageSizeTest extends BrokerTestSupport {

  private static final long MAX_MESSAGE_SIZE = 134_217_728L;

  private Connection bystander;
  private Channel check;
  private String queue;

  @BeforeEach
  void openBystander() throws Exception {
    bystander = connect();
    check = bystander.createChannel();
    queue = check.queueDeclare("", false, false, true, null).getQueue();
  }

  @AfterEach
  void nothingWasEnqueuedAndTheBrokerStillServes() throws Exception {
    assertRoundTrip(bystander);
  }

  @ParameterizedTest
  @ValueSource(strings = {"9223372036854775808", "18446744073709551615", "9223372036854775811", "134217729"})
  void aDeclaredSizeAboveMaxMessageSizeClosesTheChannelWith406AndEnqueuesNothing(String declared)
      throws Exception {
    long size = Long.parseUnsignedLong(declared);
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", queue));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(size));
      // 2^63+3 used to be read as 3: the three bytes that would have completed it
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {'a', 'b', 'c'});
      CloseReason reason = raw.expectChannelClose(1);
      assertThat(reason.replyCode()).isEqualTo(406);
      assertThat(reason.replyText()).isEqualTo("PRECONDITION_FAILED - message size " + declared
          + " is larger than configured max size " + MAX_MESSAGE_SIZE);
      assertThat(reason.classId()).isEqualTo(60);
      assertThat(reason.methodId()).isEqualTo(40);
      raw.sendChannelCloseOk(1);
      raw.openChannel(1); // the connection lives on, the channel number is free again
    }
    assertThat(check.queueDeclarePassive(queue).getMessageCount()).isZero();
  }

  @Test
  void aBodyOfExactlyMaxMessageSizeIsNotRefusedForItsDeclaredSize() throws Exception {
    assumeFalse(external(), "sends 128 MiB");
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", queue));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(MAX_MESSAGE_SIZE));
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[1000]);
      raw.openChannel(2); // frames are handled in order: the header was accepted
      raw.sendMethod(2, 20, 40, new RawAmqpClient.Args().shortUint(200).shortstr("bye").shortUint(0).shortUint(0));
      raw.expectMethod(2, 20, 41);
    }
    assertThat(check.queueDeclarePassive(queue).getMessageCount()).isZero();
  }

  @Test
  void aBodyFrameLongerThanTheDeclaredSizeIsAFrameError() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", queue));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(3));
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {1, 2, 3, 4, 5});
      assertConnectionClosed(raw, 501, "FRAME_ERROR - content body frame exceeds remaining content size", 60, 40);
    }
    assertThat(check.queueDeclarePassive(queue).getMessageCount()).isZero();
  }

  @Test
  void aSecondBodyFrameOverrunningTheDeclaredSizeIsAFrameError() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", queue));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, RawAmqpClient.contentHeader(6));
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {1, 2, 3});
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, new byte[] {4, 5, 6, 7});
      assertConnectionClosed(raw, 501, "FRAME_ERROR - content body frame exceeds remaining content size", 60, 40);
    }
    assertThat(check.queueDeclarePassive(queue).getMessageCount()).isZero();
  }

  /**
   * Each header is 22 bytes on the wire declaring 128 MiB; before the fix each one allocated the
   * whole body at once, so 32 of them wanted 4 GiB of heap and raised the memory alarm or ran the
   * broker out of memory. Now the broker holds only the bytes that came (one frame each).
   */
  @Test
  void manyChannelsDeclaringHugeBodiesKeepTheHeapFlat() throws Exception {
    assumeFalse(external(), "measures the in-process broker's heap");
    int channels = 32;
    long before = usedHeapAfterGc();
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      byte[] firstFrame = new byte[raw.frameMax() - 8];
      for (int ch = 1; ch <= channels; ch++) {
        raw.openChannel(ch);
        raw.sendMethod(ch, 60, 40, RawAmqpClient.basicPublish("", queue));
        raw.sendFrame(RawAmqpClient.FRAME_HEADER, ch, RawAmqpClient.contentHeader(MAX_MESSAGE_SIZE));
        raw.sendFrame(RawAmqpClient.FRAME_BODY, ch, firstFrame);
      }
      raw.openChannel(channels + 1); // every frame before it has been handled
      long grown = usedHeapAfterGc() - before;
      assertThat(grown).as("heap grown by %d channels each declaring 128 MiB", channels)
          .isLessThan(64L * 1024 * 1024);
      assertThat(broker.broker().memoryAlarm()).isFalse();
      assertRoundTrip(bystander); // while the 32 publishes are still half-sent
    }
    assertThat(check.queueDeclarePassive(queue).getMessageCount()).isZero();
  }

  @ParameterizedTest
  @ValueSource(ints = {1_048_576, 4088 * 3, 4088 * 3 + 1, 4087})
  void aMessageSplitOverManySmallFramesArrivesByteIdentical(int size) throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setRequestedFrameMax(4096);
    Connection small = connect(cf);
    assertThat(small.getFrameMax()).isEqualTo(4096);
    byte[] body = new byte[size];
    new Random(size).nextBytes(body);
    Channel ch = small.createChannel();
    ch.basicPublish("", queue, null, body);
    GetResponse got = getWithin(check, queue);
    assertThat(got).isNotNull();
    assertThat(got.getBody()).isEqualTo(body);
    assertThat(got.getEnvelope().isRedeliver()).isFalse();
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }

  private static void assertConnectionClosed(RawAmqpClient raw, int code, String text, int classId, int methodId)
      throws Exception {
    CloseReason reason = raw.expectConnectionClose();
    assertThat(reason.replyCode()).as("reply code").isEqualTo(code);
    assertThat(reason.replyText()).as("reply text").isEqualTo(text);
    assertThat(reason.classId()).as("class id").isEqualTo(classId);
    assertThat(reason.methodId()).as("method id").isEqualTo(methodId);
    assertThat(raw.isClosedByBroker()).as("socket closed after close-ok").isTrue();
  }
}
