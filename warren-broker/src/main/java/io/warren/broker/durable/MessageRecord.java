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
 * | format (2)    | arrived at: u64, epoch milliseconds                         |
 * +---------------+-------------------------------------------------------------+
 * | exchange: u8 length, UTF-8                                                  |
 * +-----------------------------------------------------------------------------+
 * | routing key: u8 length, UTF-8                                               |
 * +-----------------------------------------------------------------------------+
 * | properties: u32 length, then property flags and list exactly as published   |
 * +-----------------------------------------------------------------------------+
 * | body: every remaining byte                                                  |
 * +-----------------------------------------------------------------------------+
 * </pre>
 *
 * <p>The arrival time lets a restarted queue keep each message's TTL deadline, as RabbitMQ does:
 * the deadline is the arrival plus the smaller of the queue's and the message's TTL, both of
 * which are known again after a restart. Format 1 (before arrival times) is still read; its
 * messages get a full TTL from the restart.
 */
public final class MessageRecord {

  static final int FORMAT = 2;
  private static final int FORMAT_WITHOUT_ARRIVAL = 1;
  /** What {@link #arrivedAt} answers for a record that does not say. */
  public static final long UNKNOWN_ARRIVAL = -1;
  private static final int BASIC_CLASS_ID = 60;

  private MessageRecord() {
  }

  /** Encodes a message that arrived just now; see {@link #encode(ByteBufAllocator, Message, long)}. */
  public static ByteBuf encode(ByteBufAllocator alloc, Message m) {
    return encode(alloc, m, System.currentTimeMillis());
  }

  /**
   * Encodes a message that arrived at {@code arrivedAt} (epoch ms) into a new buffer from
   * {@code alloc}; the caller releases it.
   */
  public static ByteBuf encode(ByteBufAllocator alloc, Message m, long arrivedAt) {
    byte[] exchange = m.exchange().getBytes(StandardCharsets.UTF_8);
    byte[] routingKey = m.routingKey().getBytes(StandardCharsets.UTF_8);
    byte[] properties = m.rawProperties();
    ByteBuf out = alloc.buffer(1 + 8 + 1 + exchange.length + 1 + routingKey.length + 4 + properties.length
        + m.bodySize());
    out.writeByte(FORMAT);
    out.writeLong(arrivedAt);
    out.writeByte(exchange.length).writeBytes(exchange);
    out.writeByte(routingKey.length).writeBytes(routingKey);
    out.writeInt(properties.length).writeBytes(properties);
    out.writeBytes(m.body());
    return out;
  }

  /** Decodes a record written by {@link #encode}; the buffer is only read, never kept. */
  public static Message decode(ByteBuf in) {
    skipToExchange(in);
    String exchange = readShortString(in);
    String routingKey = readShortString(in);
    byte[] properties = new byte[in.readInt()];
    in.readBytes(properties);
    byte[] body = new byte[in.readableBytes()];
    in.readBytes(body);
    return new Message(exchange, routingKey, ContentHeader.of(BASIC_CLASS_ID, body.length, properties), body);
  }

  /** When the recorded message arrived (epoch ms), or {@link #UNKNOWN_ARRIVAL}; does not move the reader. */
  public static long arrivedAt(ByteBuf record) {
    int format = record.getUnsignedByte(record.readerIndex());
    return format == FORMAT ? record.getLong(record.readerIndex() + 1) : UNKNOWN_ARRIVAL;
  }

  /**
   * The recorded message's header (class, body size, properties) without copying its body; does
   * not move the reader.
   */
  public static ContentHeader header(ByteBuf record) {
    ByteBuf in = record.duplicate();
    skipToExchange(in);
    in.skipBytes(in.readUnsignedByte()); // exchange
    in.skipBytes(in.readUnsignedByte()); // routing key
    byte[] properties = new byte[in.readInt()];
    in.readBytes(properties);
    return ContentHeader.of(BASIC_CLASS_ID, in.readableBytes(), properties);
  }

  private static void skipToExchange(ByteBuf in) {
    int format = in.readUnsignedByte();
    if (format == FORMAT) {
      in.skipBytes(8);
    } else if (format != FORMAT_WITHOUT_ARRIVAL) {
      throw new IllegalArgumentException("unknown message record format " + format);
    }
  }

  private static String readShortString(ByteBuf in) {
    int length = in.readUnsignedByte();
    String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
    in.skipBytes(length);
    return s;
  }
}
