package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of one record in a segment file or in the metadata log. Records follow the
 * {@link FileHeader} back to back, with no padding; a record's file offset is its identity.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |           payload length N (int32, big-endian, >= 0)          |  +0
 * +---------------------------------------------------------------+
 * |   CRC32C over bytes +0..+3 (the length) and the payload       |  +4
 * +---------------------------------------------------------------+
 * |                     payload: N opaque bytes                   |  +8
 * |                              ...                              |
 * +---------------------------------------------------------------+
 *                                                                    +8+N  next record
 * </pre>
 *
 * <p>The checksum covers the length as well as the payload so that a damaged length is caught
 * instead of sending the reader to a wrong place, and so that a zero-filled region (what a file
 * can show after a crash when its size reached the disk before its data) never passes for a
 * record: the CRC32C of four zero bytes is not zero.
 */
final class RecordDescriptor {

    static final int LENGTH_OFFSET = 0;
    static final int CRC_OFFSET = 4;
    static final int HEADER_LENGTH = 8;

    private RecordDescriptor() {
    }

    static int payloadOffset(final int recordOffset) {
        return recordOffset + HEADER_LENGTH;
    }

    static int crcOffset(final int recordOffset) {
        return recordOffset + CRC_OFFSET;
    }

    static long framedLength(final int payloadLength) {
        return (long) HEADER_LENGTH + payloadLength;
    }

    /**
     * Frames {@code payload}'s readable bytes for one gathering write: fills {@code header} with the
     * length and checksum and returns the buffers to write, header first. Returns {@code scratch}
     * itself (header at 0, payload at 1) in the usual one-buffer case, so appending allocates only
     * the payload's {@link ByteBuffer} view. The payload's indexes are not changed.
     */
    static ByteBuffer[] frame(final ByteBuf payload, final ByteBuffer header, final ByteBuffer[] scratch,
                              final CRC32C crc) {
        final int length = payload.readableBytes();
        final ByteBuffer[] frame;
        final int count = payload.nioBufferCount();
        if (count == 1) {
            frame = scratch;
            frame[1] = payload.nioBuffer();
        } else if (count > 1) {
            final ByteBuffer[] parts = payload.nioBuffers();
            frame = new ByteBuffer[parts.length + 1];
            System.arraycopy(parts, 0, frame, 1, parts.length);
        } else {
            frame = scratch;
            frame[1] = ByteBuffer.wrap(ByteBufUtil.getBytes(payload));
        }
        frame[0] = header;
        header.clear();
        header.putInt(LENGTH_OFFSET, length);
        crc.reset();
        crc.update(header.limit(4));
        for (int i = 1; i < frame.length; i++) {
            final ByteBuffer part = frame[i];
            final int position = part.position();
            crc.update(part);
            part.position(position);
        }
        header.clear();
        header.putInt(CRC_OFFSET, (int) crc.getValue());
        return frame;
    }

    /** The checksum stored for a record whose length field and payload are in {@code image}. */
    static int checksum(final byte[] image, final int recordOffset, final int payloadLength, final CRC32C crc) {
        crc.reset();
        crc.update(image, recordOffset + LENGTH_OFFSET, 4);
        crc.update(image, recordOffset + HEADER_LENGTH, payloadLength);
        return (int) crc.getValue();
    }

    /** The checksum for a length field and a payload held in a buffer (the read path). */
    static int checksum(final int payloadLength, final ByteBuf payload, final CRC32C crc) {
        crc.reset();
        crc.update(payloadLength >>> 24);
        crc.update(payloadLength >>> 16);
        crc.update(payloadLength >>> 8);
        crc.update(payloadLength);
        final int count = payload.nioBufferCount();
        if (count == 1) {
            crc.update(payload.nioBuffer());
        } else {
            for (final ByteBuffer part : payload.nioBuffers()) {
                crc.update(part);
            }
        }
        return (int) crc.getValue();
    }

    static int readInt(final byte[] image, final int offset) {
        return (image[offset] & 0xff) << 24 | (image[offset + 1] & 0xff) << 16
                | (image[offset + 2] & 0xff) << 8 | image[offset + 3] & 0xff;
    }
}
