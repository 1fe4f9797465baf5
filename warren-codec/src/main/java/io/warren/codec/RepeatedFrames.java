package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The last basic.publish method frame and the last content header frame of a connection, kept
 * with their payload bytes so that a byte-for-byte repeat is answered with the same decoded
 * frame instead of a new one.
 *
 * <p>Why: a publisher nearly always repeats both (same exchange, routing key and properties,
 * often the same body size), and decoding them is most of the per-message work of the decoder:
 * two UTF-8 short strings and five objects. The frames are immutable (a {@link ContentHeader}
 * only caches its decoded properties), so handing the same one out again is safe, and equal
 * bytes decode to an equal result, errors included: only frames that decoded cleanly are kept.
 * Comparing costs a few dozen byte reads; a payload longer than {@link #MAX_PAYLOAD} (large
 * header tables) is never kept. One instance per {@link FrameDecoder}, on its event loop.
 */
final class RepeatedFrames {

    /** Longest payload remembered: a publish with two 255-byte short strings fits. */
    static final int MAX_PAYLOAD = 528;

    private final Slot publish = new Slot();
    private final Slot header = new Slot();

    /** The last basic.publish frame if this payload on this channel repeats it, else null. */
    MethodFrame repeatedPublish(ByteBuf in, int channel, int start, int length) {
        return (MethodFrame) publish.lookup(in, channel, start, length);
    }

    void rememberPublish(ByteBuf in, int channel, int start, int length, MethodFrame frame) {
        publish.remember(in, channel, start, length, frame);
    }

    /** The last content header frame if this payload on this channel repeats it, else null. */
    ContentHeaderFrame repeatedHeader(ByteBuf in, int channel, int start, int length) {
        return (ContentHeaderFrame) header.lookup(in, channel, start, length);
    }

    void rememberHeader(ByteBuf in, int channel, int start, int length, ContentHeaderFrame frame) {
        header.remember(in, channel, start, length, frame);
    }

    private static final class Slot {
        /** Wrapped, not allocated: an array needs no release, so no leak report either. */
        private final ByteBuf payload = Unpooled.wrappedBuffer(new byte[MAX_PAYLOAD]);
        private int length = -1;
        private int channel = -1;
        private Object frame;

        Object lookup(ByteBuf in, int channel, int start, int length) {
            if (length != this.length || channel != this.channel
                    || !ByteBufUtil.equals(in, start, payload, 0, length)) {
                return null;
            }
            return frame;
        }

        void remember(ByteBuf in, int channel, int start, int length, Object frame) {
            if (length > MAX_PAYLOAD) {
                return;
            }
            payload.setBytes(0, in, start, length);
            this.length = length;
            this.channel = channel;
            this.frame = frame;
        }
    }
}
