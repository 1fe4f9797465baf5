package io.warren.broker.durable;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.warren.broker.message.Message;
import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MessageRecordTest {

  private static final byte[] PROPERTIES = BasicProperties.EMPTY.withContentType("text/plain").withDeliveryMode(2)
      .withExpiration("5000").encode();

  private static Message message(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return new Message("ex", "rk.é", ContentHeader.of(60, bytes.length, PROPERTIES), bytes);
  }

  @Test
  void aRecordGivesBackItsMessageArrivalAndHeaderWithoutBeingConsumedByTheLookups() {
    ByteBuf record = MessageRecord.encode(UnpooledByteBufAllocator.DEFAULT, message("hello"), 1_700_000_000_123L);
    try {
      assertThat(MessageRecord.arrivedAt(record)).isEqualTo(1_700_000_000_123L);
      ContentHeader header = MessageRecord.header(record);
      assertThat(header.bodySize()).isEqualTo(5);
      assertThat(header.properties().expiration()).isEqualTo("5000");

      Message decoded = MessageRecord.decode(record);
      assertThat(decoded.exchange()).isEqualTo("ex");
      assertThat(decoded.routingKey()).isEqualTo("rk.é");
      assertThat(decoded.rawProperties()).isEqualTo(PROPERTIES);
      assertThat(new String(decoded.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
    } finally {
      record.release();
    }
  }

  @Test
  void aRecordFromBeforeArrivalTimesStillDecodesAndSaysItsArrivalIsUnknown() {
    ByteBuf old = Unpooled.buffer();
    old.writeByte(1);
    old.writeByte(2).writeBytes("ex".getBytes(StandardCharsets.UTF_8));
    old.writeByte(1).writeBytes("k".getBytes(StandardCharsets.UTF_8));
    old.writeInt(PROPERTIES.length).writeBytes(PROPERTIES);
    old.writeBytes("body".getBytes(StandardCharsets.UTF_8));

    assertThat(MessageRecord.arrivedAt(old)).isEqualTo(MessageRecord.UNKNOWN_ARRIVAL);
    assertThat(MessageRecord.header(old).properties().expiration()).isEqualTo("5000");
    Message decoded = MessageRecord.decode(old);
    assertThat(decoded.routingKey()).isEqualTo("k");
    assertThat(new String(decoded.body(), StandardCharsets.UTF_8)).isEqualTo("body");
  }
}
