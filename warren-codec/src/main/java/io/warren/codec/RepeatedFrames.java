package io.warren.codec;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;

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
 * Comparing costs a copy and an array compare; a payload longer than {@link #MAX_PAYLOAD} (large
 * header tables) is never kept. One instance per {@link FrameDecoder}, on its event loop.
 */
final class RepeatedFrames {

    /** Longest payload remembered: a publish with two 255-byte short strings fits. */
    static final int MAX_PAYLOAD = 528;

    private final Slot publish = new Slot();
    private final Slot header = new Slot();
    /** Where an incoming payload is copied to be compared; shared, both slots are used in turn. */
    private final byte[] scratch = new byte[MAX_PAYLOAD];

    /** The last basic.publish frame if this payload on this channel repeats it, else null. */
    MethodFrame repeatedPublish(ByteBuf in, int channel, int start, int length) {
        return (MethodFrame) publish.lookup(in, channel, start, length, scratch);
    }

    void rememberPublish(ByteBuf in, int channel, int start, int length, MethodFrame frame) {
        publish.remember(in, channel, start, length, frame);
    }

    /** The last content header frame if this payload on this channel repeats it, else null. */
    ContentHeaderFrame repeatedHeader(ByteBuf in, int channel, int start, int length) {
        return (ContentHeaderFrame) header.lookup(in, channel, start, length, scratch);
    }

    void rememberHeader(ByteBuf in, int channel, int start, int length, ContentHeaderFrame frame) {
        header.remember(in, channel, start, length, frame);
    }

    private static final class Slot {
        private final byte[] payload = new byte[MAX_PAYLOAD];
        private int length = -1;
        private int channel = -1;
        private Object frame;

        /**
         * Compares through a copy: one bulk copy out of the (usually direct) buffer and a
         * vectorised array compare cost a fraction of reading the buffer eight bytes at a time,
         * where every read checks bounds and the reference count.
         */
        Object lookup(ByteBuf in, int channel, int start, int length, byte[] scratch) {
            if (length != this.length || channel != this.channel) {
                return null;
            }
            in.getBytes(start, scratch, 0, length);
            return Arrays.equals(scratch, 0, length, payload, 0, length) ? frame : null;
        }

        void remember(ByteBuf in, int channel, int start, int length, Object frame) {
            if (length > MAX_PAYLOAD) {
                return;
            }
            in.getBytes(start, payload, 0, length);
            this.length = length;
            this.channel = channel;
            this.frame = frame;
        }
    }
}
