package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * A content header: class id, weight, body size, and the property flags and list exactly as
 * received, so the broker can store and forward them unchanged. Properties are decoded only
 * when asked ({@link #properties()}, once, cached); the delivery mode and priority, which
 * the broker needs for every message, are peeked straight from the bytes.
 *
 * <p>Payload layout (section 4.2.6):
 * <pre>
 * +----------+--------+-----------+----------------+---------------+
 * | class-id | weight | body-size | property flags | property list |
 * | short    | short  | longlong  | short          | ...           |
 * +----------+--------+-----------+----------------+---------------+
 * </pre>
 * RabbitMQ decodes the properties when the publish is complete (after the last body frame)
 * and closes the connection with 541 "INTERNAL_ERROR" if they are malformed; call
 * {@link #checkProperties()} at that point to do the same.
 *
 * <p>Shared freely: its only mutable state is the lazily decoded properties, an immutable
 * record that any thread may decode again; {@link FrameDecoder} hands out the same header for
 * repeated header frames, so many messages may hold one instance.
 */
public final class ContentHeader {

    /** Bytes before the property flags: class-id, weight, body-size. */
    public static final int FIXED_SIZE = 12;

    private final int classId;
    private final int weight;
    private final long bodySize;
    private final byte[] rawProperties;
    private BasicProperties properties;

    private ContentHeader(int classId, int weight, long bodySize, byte[] rawProperties) {
        this.classId = classId;
        this.weight = weight;
        this.bodySize = bodySize;
        this.rawProperties = rawProperties;
    }

    /**
     * Decodes a header frame payload (all readable bytes, which it consumes). Fewer than 14
     * bytes is RabbitMQ's "unknown_frame" FRAME_ERROR; properties are not looked at yet.
     */
    public static ContentHeader decode(ByteBuf payload) {
        int length = payload.readableBytes();
        if (length < FIXED_SIZE + 2) {
            throw FrameException.unknownFrame(ProtocolConstants.FRAME_HEADER, payload,
                    payload.readerIndex(), length);
        }
        int classId = payload.readUnsignedShort();
        int weight = payload.readUnsignedShort();
        long bodySize = payload.readLong();
        byte[] raw = new byte[length - FIXED_SIZE];
        payload.readBytes(raw);
        return new ContentHeader(classId, weight, bodySize, raw);
    }

    /** A header for a body of {@code bodySize} bytes with properties already encoded. */
    public static ContentHeader of(int classId, long bodySize, byte[] rawProperties) {
        return new ContentHeader(classId, 0, bodySize, rawProperties);
    }

    /** A header for a body of {@code bodySize} bytes with {@code properties}. */
    public static ContentHeader of(int classId, long bodySize, BasicProperties properties) {
        ContentHeader header = new ContentHeader(classId, 0, bodySize, properties.encode());
        header.properties = properties;
        return header;
    }

    /** The class id, 60 (basic) for every content RabbitMQ accepts. */
    public int classId() {
        return classId;
    }

    /** The weight, which must be 0; RabbitMQ treats a header with another weight as unexpected. */
    public int weight() {
        return weight;
    }

    /** The total body size the following body frames must add up to. */
    public long bodySize() {
        return bodySize;
    }

    /** Property flags and list as received: the backing array, not a copy; do not modify. */
    public byte[] rawProperties() {
        return rawProperties;
    }

    /** The decoded properties (cached). Malformed: FrameException MALFORMED_PROPERTIES. */
    public BasicProperties properties() {
        BasicProperties p = properties;
        if (p == null) {
            p = BasicProperties.decode(rawProperties);
            properties = p;
        }
        return p;
    }

    /**
     * Checks the property list as RabbitMQ's decode would, without decoding it: throws
     * FrameException MALFORMED_PROPERTIES (541 INTERNAL_ERROR) when it could not be decoded.
     */
    public void checkProperties() {
        if (properties != null) {
            return;
        }
        int flags = flags();
        long p = 2;
        p = skipShortstr(flags, BasicProperties.CONTENT_TYPE, p);
        p = skipShortstr(flags, BasicProperties.CONTENT_ENCODING, p);
        if ((flags & BasicProperties.HEADERS) != 0) {
            long length = uint(p);
            if (p + 4 + length > rawProperties.length) {
                throw FrameException.malformedProperties("property list truncated");
            }
            try {
                FieldTables.checkEntries(Unpooled.wrappedBuffer(rawProperties), p + 4, length, 0);
            } catch (FrameException e) {
                throw FrameException.malformedProperties("headers: " + e.detail());
            }
            p += 4 + length;
        }
        p += (flags & BasicProperties.DELIVERY_MODE) != 0 ? 1 : 0;
        p += (flags & BasicProperties.PRIORITY) != 0 ? 1 : 0;
        p = skipShortstr(flags, BasicProperties.CORRELATION_ID, p);
        p = skipShortstr(flags, BasicProperties.REPLY_TO, p);
        p = skipShortstr(flags, BasicProperties.EXPIRATION, p);
        p = skipShortstr(flags, BasicProperties.MESSAGE_ID, p);
        p += (flags & BasicProperties.TIMESTAMP) != 0 ? 8 : 0;
        p = skipShortstr(flags, BasicProperties.TYPE, p);
        p = skipShortstr(flags, BasicProperties.USER_ID, p);
        p = skipShortstr(flags, BasicProperties.APP_ID, p);
        p = skipShortstr(flags, BasicProperties.CLUSTER_ID, p);
        if (p != rawProperties.length) {
            throw FrameException.malformedProperties(p > rawProperties.length
                    ? "property list truncated" : "bytes after the properties");
        }
    }

    /** The delivery-mode property (2 = persistent), 0 when absent; no allocation. */
    public int deliveryMode() {
        int flags = flags();
        if ((flags & BasicProperties.DELIVERY_MODE) == 0) {
            return 0;
        }
        return octet(offsetAfterHeaders(flags));
    }

    /** The priority property, -1 when absent; no allocation. */
    public int priority() {
        int flags = flags();
        if ((flags & BasicProperties.PRIORITY) == 0) {
            return -1;
        }
        long p = offsetAfterHeaders(flags);
        p += (flags & BasicProperties.DELIVERY_MODE) != 0 ? 1 : 0;
        return octet(p);
    }

    /** The property flags word. */
    public int flags() {
        if (rawProperties.length < 2) {
            throw FrameException.malformedProperties("no property flags");
        }
        return (rawProperties[0] & 0xFF) << 8 | rawProperties[1] & 0xFF;
    }

    /** Writes this header as a complete frame on {@code channel}. */
    public void writeFrame(ByteBuf out, int channel) {
        writeFrame(out, channel, classId, bodySize, rawProperties);
    }

    /** Writes a complete content header frame (weight 0). */
    public static void writeFrame(ByteBuf out, int channel, int classId, long bodySize,
            byte[] rawProperties) {
        out.writeByte(ProtocolConstants.FRAME_HEADER);
        out.writeShort(channel);
        out.writeInt(FIXED_SIZE + rawProperties.length);
        out.writeShort(classId);
        out.writeShort(0);
        out.writeLong(bodySize);
        out.writeBytes(rawProperties);
        out.writeByte(ProtocolConstants.FRAME_END);
    }

    @Override
    public String toString() {
        return "ContentHeader[class " + classId + ", " + bodySize + " bytes, "
                + rawProperties.length + " property bytes]";
    }

    private long offsetAfterHeaders(int flags) {
        long p = 2;
        p = skipShortstr(flags, BasicProperties.CONTENT_TYPE, p);
        p = skipShortstr(flags, BasicProperties.CONTENT_ENCODING, p);
        if ((flags & BasicProperties.HEADERS) != 0) {
            p += 4 + uint(p);
        }
        return p;
    }

    private long skipShortstr(int flags, int flag, long p) {
        return (flags & flag) != 0 ? p + 1 + octet(p) : p;
    }

    private int octet(long p) {
        if (p >= rawProperties.length) {
            throw FrameException.malformedProperties("property list truncated");
        }
        return rawProperties[(int) p] & 0xFF;
    }

    private long uint(long p) {
        if (p + 4 > rawProperties.length) {
            throw FrameException.malformedProperties("property list truncated");
        }
        int i = (int) p;
        return ((long) (rawProperties[i] & 0xFF) << 24) | (rawProperties[i + 1] & 0xFF) << 16
                | (rawProperties[i + 2] & 0xFF) << 8 | rawProperties[i + 3] & 0xFF;
    }
}
