package io.warren.it.resources;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.getWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.CloseReason;
import io.warren.it.support.WarrenProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * max_message_size read from the server's config file, as RabbitMQ reads it from rabbitmq.conf,
 * on the real server with its small test heap (256 MiB).
 */
@Tag("spec-framing")
class MaxMessageSizeTest {

  @TempDir
  Path dir;

  private WarrenProcess start(String config) throws Exception {
    Path file = dir.resolve("rabbitmq.conf");
    Files.writeString(file, config);
    return WarrenProcess.start(dir.resolve("data"), dir.resolve("warren.out"), List.of("--config", file.toString()));
  }

  @Test
  void aConfiguredLimitAllowsBodiesUpToItAndRefusesLargerOnesWithRabbitMqsText() throws Exception {
    try (WarrenProcess server = start("max_message_size = 1000\n");
        Connection connection = server.connectionFactory().newConnection()) {
      Channel ch = connection.createChannel();
      String queue = ch.queueDeclare("", false, true, true, null).getQueue();
      ch.basicPublish("", queue, null, new byte[1000]);
      GetResponse got = getWithin(ch, queue);
      assertThat(got).isNotNull();
      assertThat(got.getBody()).hasSize(1000);

      assertChannelError(ch, 406, "PRECONDITION_FAILED - message size 1001 is larger than configured max size 1000",
          () -> {
            ch.basicPublish("", queue, null, new byte[1001]);
            ch.queueDeclarePassive(queue); // a round trip, so the close arrives within it
          });
      Channel again = connection.createChannel();
      assertThat(again.queueDeclarePassive(queue).getMessageCount()).isZero();
    }
  }

  /**
   * At RabbitMQ's ceiling of 512 MiB the text says "max size". 300 channels each declare
   * 512 MiB and send one 128 KiB frame: 150 GiB declared against a 256 MiB heap, of which the
   * broker holds the 38 MiB that came. It neither runs out of memory nor raises the memory
   * alarm (publishers would be blocked): another connection keeps publishing and getting.
   */
  @Test
  void atTheCeilingHugeDeclaredBodiesCostOnlyWhatArrivedEvenOnASmallHeap() throws Exception {
    long ceiling = 536_870_912L;
    try (WarrenProcess server = start("max_message_size = " + ceiling + "\n");
        Connection bystander = server.connectionFactory().newConnection();
        RawAmqpClient raw = RawAmqpClient.open("amqp://guest:guest@127.0.0.1:" + server.port())) {
      int channels = 300;
      byte[] frame = new byte[raw.frameMax() - 8];
      for (int ch = 1; ch <= channels; ch++) {
        raw.openChannel(ch);
        raw.sendMethod(ch, 60, 40, RawAmqpClient.basicPublish("", "nowhere"));
        raw.sendFrame(RawAmqpClient.FRAME_HEADER, ch, RawAmqpClient.contentHeader(ceiling));
        raw.sendFrame(RawAmqpClient.FRAME_BODY, ch, frame);
      }
      raw.openChannel(channels + 1);
      raw.sendMethod(channels + 1, 60, 40, RawAmqpClient.basicPublish("", "nowhere"));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, channels + 1, RawAmqpClient.contentHeader(ceiling + 1));
      CloseReason reason = raw.expectChannelClose(channels + 1);
      assertThat(reason.replyCode()).isEqualTo(406);
      assertThat(reason.replyText())
          .isEqualTo("PRECONDITION_FAILED - message size 536870913 is larger than max size 536870912");

      for (int i = 0; i < 5; i++) {
        assertRoundTrip(bystander);
      }
      assertThat(server.isAlive()).isTrue();
      assertThat(server.output()).doesNotContain("OutOfMemoryError").doesNotContain("memory alarm");
    }
  }
}
