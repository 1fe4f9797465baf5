package io.warren.store;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Layout of one entry in a segment's ack file ({@code 00000000000000000007.acks} beside
 * {@code 00000000000000000007.seg}). After the {@link FileHeader}, the file is a plain sequence of
 * fixed-size entries, one per acknowledged record, in the order the acks happened:
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |   file offset of the acked record in the .seg (int32, BE)     |  +0
 * +---------------------------------------------------------------+
 * |   CRC32C of bytes +0..+3                                      |  +4
 * +---------------------------------------------------------------+
 * </pre>
 *
 * <p>Fixed-size entries make a torn tail trivial to cut (round the length down to a multiple of
 * eight), and the checksum keeps a damaged entry from acknowledging a different record: a bad
 * entry is skipped, so the worst a damaged ack file can do is deliver a message again.
 */
final class AckDescriptor {

    static final int ENTRY_LENGTH = 8;
    static final int OFFSET_OFFSET = 0;
    static final int CRC_OFFSET = 4;

    private AckDescriptor() {
    }

    /** Fills {@code entry} (position 0, limit 8 afterwards) for the record at {@code recordOffset}. */
    static void encode(final ByteBuffer entry, final int recordOffset, final CRC32C crc) {
        entry.clear();
        entry.putInt(OFFSET_OFFSET, recordOffset);
        crc.reset();
        crc.update(entry.limit(4));
        entry.clear();
        entry.putInt(CRC_OFFSET, (int) crc.getValue());
    }

    /** The record offset stored in the entry at {@code entryOffset}, or -1 if the entry is damaged. */
    static int decode(final byte[] image, final int entryOffset, final CRC32C crc) {
        crc.reset();
        crc.update(image, entryOffset + OFFSET_OFFSET, 4);
        final int stored = RecordDescriptor.readInt(image, entryOffset + CRC_OFFSET);
        final int recordOffset = RecordDescriptor.readInt(image, entryOffset + OFFSET_OFFSET);
        return (int) crc.getValue() == stored && recordOffset >= FileHeader.LENGTH ? recordOffset : -1;
    }
}
