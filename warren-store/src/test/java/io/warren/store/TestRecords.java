package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Records whose content is derived from a sequence number, so a test can tell them apart. */
final class TestRecords {

    /** A record recovered from a log: position and a copy of its bytes. */
    record Recovered(long position, byte[] bytes) {
        int seq() {
            return ByteBuffer.wrap(bytes).getInt();
        }
    }

    private TestRecords() {
    }

    /** {@code size} bytes (at least 4): the sequence number, then a pattern seeded by it. */
    static byte[] bytes(final int seq, final int size) {
        final byte[] bytes = new byte[Math.max(4, size)];
        ByteBuffer.wrap(bytes).putInt(seq);
        for (int i = 4; i < bytes.length; i++) {
            bytes[i] = (byte) (seq * 31 + i);
        }
        return bytes;
    }

    static ByteBuf record(final int seq, final int size) {
        return Unpooled.wrappedBuffer(bytes(seq, size));
    }

    static List<Recovered> recoverAll(final QueueLog log) {
        final List<Recovered> out = new ArrayList<>();
        log.recover((position, record) -> out.add(new Recovered(position, ByteBufUtil.getBytes(record))));
        return out;
    }

    static byte[] read(final QueueLog log, final long position) {
        final ByteBuf buf = log.read(position);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
