package io.warren.broker.durable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.message.Message;
import io.warren.codec.ContentHeader;
import java.nio.charset.StandardCharsets;

/**
 * How a persistent message is written into a queue's log: everything needed to deliver it again
 * after a restart, nothing the store itself needs (the store adds length and CRC around it).
 *
 * <pre>
 *  0               1                                  ...
 * +---------------+-------------------------------------------------------------+
 * | format (1)    | exchange: u8 length, UTF-8                                  |
 * +---------------+-------------------------------------------------------------+
 * | routing key: u8 length, UTF-8                                               |
 * +-----------------------------------------------------------------------------+
 * | properties: u32 length, then property flags and list exactly as published   |
 * +-----------------------------------------------------------------------------+
 * | body: every remaining byte                                                  |
 * +-----------------------------------------------------------------------------+
 * </pre>
 */
public final class MessageRecord {

  static final int FORMAT = 1;
  private static final int BASIC_CLASS_ID = 60;

  private MessageRecord() {
  }

  /** Encodes a message into a new buffer from {@code alloc}; the caller releases it. */
  public static ByteBuf encode(ByteBufAllocator alloc, Message m) {
    byte[] exchange = m.exchange().getBytes(StandardCharsets.UTF_8);
    byte[] routingKey = m.routingKey().getBytes(StandardCharsets.UTF_8);
    byte[] properties = m.rawProperties();
    ByteBuf out = alloc.buffer(1 + 1 + exchange.length + 1 + routingKey.length + 4 + properties.length
        + m.bodySize());
    out.writeByte(FORMAT);
    out.writeByte(exchange.length).writeBytes(exchange);
    out.writeByte(routingKey.length).writeBytes(routingKey);
    out.writeInt(properties.length).writeBytes(properties);
    out.writeBytes(m.body());
    return out;
  }

  /** Decodes a record written by {@link #encode}; the buffer is only read, never kept. */
  public static Message decode(ByteBuf in) {
    int format = in.readUnsignedByte();
    if (format != FORMAT) {
      throw new IllegalArgumentException("unknown message record format " + format);
    }
    String exchange = readShortString(in);
    String routingKey = readShortString(in);
    byte[] properties = new byte[in.readInt()];
    in.readBytes(properties);
    byte[] body = new byte[in.readableBytes()];
    in.readBytes(body);
    return new Message(exchange, routingKey, ContentHeader.of(BASIC_CLASS_ID, body.length, properties), body);
  }

  private static String readShortString(ByteBuf in) {
    int length = in.readUnsignedByte();
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }
}
