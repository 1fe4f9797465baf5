package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.Date;
import java.util.Map;

/**
 * The fourteen content properties of class basic; null means absent. Timestamps have
 * one-second resolution on the wire.
 *
 * <p>The wire form is a 16-bit flags word (bit 15 = content-type ... bit 2 = cluster-id)
 * followed by the present properties in order. Like RabbitMQ, Warren ignores the two low
 * flag bits (bit 0 would announce a second flags word, which basic never needs) and rejects a
 * property list with bytes left over.
 */
public record BasicProperties(
        String contentType,
        String contentEncoding,
        Map<String, Object> headers,
        Integer deliveryMode,
        Integer priority,
        String correlationId,
        String replyTo,
        String expiration,
        String messageId,
        Date timestamp,
        String type,
        String userId,
        String appId,
        String clusterId) {

    /** No properties: flags 0. */
    public static final BasicProperties EMPTY = new BasicProperties(null, null, null, null, null,
            null, null, null, null, null, null, null, null, null);

    static final int CONTENT_TYPE = 1 << 15;
    static final int CONTENT_ENCODING = 1 << 14;
    static final int HEADERS = 1 << 13;
    static final int DELIVERY_MODE = 1 << 12;
    static final int PRIORITY = 1 << 11;
    static final int CORRELATION_ID = 1 << 10;
    static final int REPLY_TO = 1 << 9;
    static final int EXPIRATION = 1 << 8;
    static final int MESSAGE_ID = 1 << 7;
    static final int TIMESTAMP = 1 << 6;
    static final int TYPE = 1 << 5;
    static final int USER_ID = 1 << 4;
    static final int APP_ID = 1 << 3;
    static final int CLUSTER_ID = 1 << 2;

    /**
     * Decodes flags and property list. Malformed input throws FrameException
     * MALFORMED_PROPERTIES (541 INTERNAL_ERROR, as RabbitMQ's channel crashes on it).
     */
    public static BasicProperties decode(byte[] raw) {
        ByteBuf in = Unpooled.wrappedBuffer(raw);
        try {
            int flags = in.readUnsignedShort();
            BasicProperties p = new BasicProperties(
                    (flags & CONTENT_TYPE) != 0 ? Wire.readShortstr(in) : null,
                    (flags & CONTENT_ENCODING) != 0 ? Wire.readShortstr(in) : null,
                    (flags & HEADERS) != 0 ? FieldTables.read(in) : null,
                    (flags & DELIVERY_MODE) != 0 ? Integer.valueOf(in.readUnsignedByte()) : null,
                    (flags & PRIORITY) != 0 ? Integer.valueOf(in.readUnsignedByte()) : null,
                    (flags & CORRELATION_ID) != 0 ? Wire.readShortstr(in) : null,
                    (flags & REPLY_TO) != 0 ? Wire.readShortstr(in) : null,
                    (flags & EXPIRATION) != 0 ? Wire.readShortstr(in) : null,
                    (flags & MESSAGE_ID) != 0 ? Wire.readShortstr(in) : null,
                    (flags & TIMESTAMP) != 0 ? new Date(in.readLong() * 1000L) : null,
                    (flags & TYPE) != 0 ? Wire.readShortstr(in) : null,
                    (flags & USER_ID) != 0 ? Wire.readShortstr(in) : null,
                    (flags & APP_ID) != 0 ? Wire.readShortstr(in) : null,
                    (flags & CLUSTER_ID) != 0 ? Wire.readShortstr(in) : null);
            if (in.isReadable()) {
                throw FrameException.malformedProperties(in.readableBytes() + " bytes after the properties");
            }
            return p;
        } catch (IndexOutOfBoundsException e) {
            throw FrameException.malformedProperties("property list truncated");
        } catch (FrameException e) {
            if (e.kind() == FrameException.Kind.MALFORMED_TABLE) {
                throw FrameException.malformedProperties("headers: " + e.detail());
            }
            throw e;
        }
    }

    /** The property flags word for the properties present. */
    public int flags() {
        return (contentType != null ? CONTENT_TYPE : 0)
                | (contentEncoding != null ? CONTENT_ENCODING : 0)
                | (headers != null ? HEADERS : 0)
                | (deliveryMode != null ? DELIVERY_MODE : 0)
                | (priority != null ? PRIORITY : 0)
                | (correlationId != null ? CORRELATION_ID : 0)
                | (replyTo != null ? REPLY_TO : 0)
                | (expiration != null ? EXPIRATION : 0)
                | (messageId != null ? MESSAGE_ID : 0)
                | (timestamp != null ? TIMESTAMP : 0)
                | (type != null ? TYPE : 0)
                | (userId != null ? USER_ID : 0)
                | (appId != null ? APP_ID : 0)
                | (clusterId != null ? CLUSTER_ID : 0);
    }

    /** Flags and property list, as a content header frame carries them after the body size. */
    public byte[] encode() {
        byte[] raw = new byte[encodedSize()];
        ByteBuf out = Unpooled.wrappedBuffer(raw);
        out.writerIndex(0);
        writeTo(out);
        return raw;
    }

    /** Writes flags and property list to {@code out}. */
    public void writeTo(ByteBuf out) {
        out.writeShort(flags());
        writeIfPresent(out, contentType);
        writeIfPresent(out, contentEncoding);
        if (headers != null) {
            FieldTables.write(out, headers);
        }
        if (deliveryMode != null) {
            out.writeByte(deliveryMode);
        }
        if (priority != null) {
            out.writeByte(priority);
        }
        writeIfPresent(out, correlationId);
        writeIfPresent(out, replyTo);
        writeIfPresent(out, expiration);
        writeIfPresent(out, messageId);
        if (timestamp != null) {
            out.writeLong(timestamp.getTime() / 1000L);
        }
        writeIfPresent(out, type);
        writeIfPresent(out, userId);
        writeIfPresent(out, appId);
        writeIfPresent(out, clusterId);
    }

    /** The length of {@link #encode()}. */
    public int encodedSize() {
        int size = 2 + shortstrSize(contentType) + shortstrSize(contentEncoding)
                + shortstrSize(correlationId) + shortstrSize(replyTo) + shortstrSize(expiration)
                + shortstrSize(messageId) + shortstrSize(type) + shortstrSize(userId)
                + shortstrSize(appId) + shortstrSize(clusterId);
        if (headers != null) {
            size += FieldTables.encodedSize(headers);
        }
        if (deliveryMode != null) {
            size++;
        }
        if (priority != null) {
            size++;
        }
        if (timestamp != null) {
            size += 8;
        }
        return size;
    }

    public BasicProperties withContentType(String v) {
        return new BasicProperties(v, contentEncoding, headers, deliveryMode, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withContentEncoding(String v) {
        return new BasicProperties(contentType, v, headers, deliveryMode, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withHeaders(Map<String, Object> v) {
        return new BasicProperties(contentType, contentEncoding, v, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId,
                clusterId);
    }

    public BasicProperties withDeliveryMode(Integer v) {
        return new BasicProperties(contentType, contentEncoding, headers, v, priority, correlationId,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withPriority(Integer v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, v,
                correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId,
                clusterId);
    }

    public BasicProperties withCorrelationId(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority, v,
                replyTo, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withReplyTo(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, v, expiration, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withExpiration(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, v, messageId, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withMessageId(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, v, timestamp, type, userId, appId, clusterId);
    }

    public BasicProperties withTimestamp(Date v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, v, type, userId, appId, clusterId);
    }

    public BasicProperties withType(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, v, userId, appId, clusterId);
    }

    public BasicProperties withUserId(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, type, v, appId, clusterId);
    }

    public BasicProperties withAppId(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, type, userId, v, clusterId);
    }

    public BasicProperties withClusterId(String v) {
        return new BasicProperties(contentType, contentEncoding, headers, deliveryMode, priority,
                correlationId, replyTo, expiration, messageId, timestamp, type, userId, appId, v);
    }

    private static void writeIfPresent(ByteBuf out, String s) {
        if (s != null) {
            Wire.writeShortstr(out, s);
        }
    }

    private static int shortstrSize(String s) {
        return s == null ? 0 : 1 + (s.isEmpty() ? 0 : ByteBufUtil.utf8Bytes(s));
    }
}
