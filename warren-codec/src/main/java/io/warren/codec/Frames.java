package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.warren.codec.method.Method;

/**
 * Writes complete frames into a buffer the caller owns, so a connection can batch many frames
 * into one write. Nothing here allocates.
 */
public final class Frames {

    /** The protocol header Warren speaks, and sends back when it rejects a client's. */
    public static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    private Frames() {
    }

    /** Writes a method frame: header, class and method ids, arguments, size backfilled, frame end. */
    public static void writeMethod(ByteBuf out, int channel, Method method) {
        out.writeByte(ProtocolConstants.FRAME_METHOD);
        out.writeShort(channel);
        int sizeIndex = out.writerIndex();
        out.writeInt(0);
        out.writeShort(method.classId());
        out.writeShort(method.methodId());
        method.writeArguments(out);
        out.setInt(sizeIndex, out.writerIndex() - sizeIndex - 4);
        out.writeByte(ProtocolConstants.FRAME_END);
    }

    /** Writes a content header frame; see {@link ContentHeader#writeFrame}. */
    public static void writeContentHeader(ByteBuf out, int channel, int classId, long bodySize,
            byte[] rawProperties) {
        ContentHeader.writeFrame(out, channel, classId, bodySize, rawProperties);
    }

    /**
     * Writes {@code length} bytes of {@code body} from {@code offset} as body frames of at
     * most {@code frameMax - 8} payload bytes each ({@code frameMax} 0: one frame). An empty
     * body writes no frame at all, which is what clients expect after a header announcing 0.
     */
    public static void writeBody(ByteBuf out, int channel, byte[] body, int offset, int length,
            int frameMax) {
        int chunk = frameMax == 0 ? Integer.MAX_VALUE : frameMax - ProtocolConstants.FRAME_OVERHEAD;
        if (chunk <= 0) {
            throw new IllegalArgumentException("frame-max " + frameMax + " leaves no room for a body");
        }
        int end = offset + length;
        for (int at = offset; at < end; ) {
            int n = Math.min(chunk, end - at);
            out.writeByte(ProtocolConstants.FRAME_BODY);
            out.writeShort(channel);
            out.writeInt(n);
            out.writeBytes(body, at, n);
            out.writeByte(ProtocolConstants.FRAME_END);
            at += n;
        }
    }

    /**
     * Writes the readable bytes of {@code body} (its reader index is not moved) as body frames
     * of at most {@code frameMax - 8} payload bytes; nothing for an empty body.
     */
    public static void writeBody(ByteBuf out, int channel, ByteBuf body, int frameMax) {
        int chunk = frameMax == 0 ? Integer.MAX_VALUE : frameMax - ProtocolConstants.FRAME_OVERHEAD;
        if (chunk <= 0) {
            throw new IllegalArgumentException("frame-max " + frameMax + " leaves no room for a body");
        }
        int end = body.writerIndex();
        for (int at = body.readerIndex(); at < end; ) {
            int n = Math.min(chunk, end - at);
            out.writeByte(ProtocolConstants.FRAME_BODY);
            out.writeShort(channel);
            out.writeInt(n);
            out.writeBytes(body, at, n);
            out.writeByte(ProtocolConstants.FRAME_END);
            at += n;
        }
    }

    /** Writes a heartbeat frame (channel 0, empty payload). */
    public static void writeHeartbeat(ByteBuf out) {
        out.writeByte(ProtocolConstants.FRAME_HEARTBEAT);
        out.writeShort(0);
        out.writeInt(0);
        out.writeByte(ProtocolConstants.FRAME_END);
    }

    /**
     * Writes a content-carrying method (basic.deliver, basic.get-ok, basic.return) with its
     * header and body frames in one go: the delivery hot path.
     */
    public static void writeMessage(ByteBuf out, int channel, Method method, byte[] rawProperties,
            byte[] body, int frameMax) {
        writeMethod(out, channel, method);
        ContentHeader.writeFrame(out, channel, method.classId(), body.length, rawProperties);
        writeBody(out, channel, body, 0, body.length, frameMax);
    }

    /** {@link #writeMessage(ByteBuf, int, Method, byte[], byte[], int)} for a body in a ByteBuf (not consumed). */
    public static void writeMessage(ByteBuf out, int channel, Method method, byte[] rawProperties,
            ByteBuf body, int frameMax) {
        writeMethod(out, channel, method);
        ContentHeader.writeFrame(out, channel, method.classId(), body.readableBytes(), rawProperties);
        writeBody(out, channel, body, frameMax);
    }
}
