package io.warren.store;

import java.nio.ByteBuffer;

/**
 * The 16-byte header at the start of every file the store appends to: segment files ({@code .seg}),
 * their ack files ({@code .acks}) and the metadata log. The magic says which kind of file it is, so
 * a file renamed by hand is not misread; the version lets a later Warren read or upgrade old files.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |  'W'          |  'R'          |  'N'          |  kind         |  0  magic
 * +---------------------------------------------------------------+
 * |                  format version (int32, big-endian)           |  4
 * +---------------------------------------------------------------+
 * |                                                               |  8  segment number (int64), the
 * +            segment number (int64, big-endian)                 +     same as in the file name;
 * |                                                               |     0 for the metadata log
 * +---------------------------------------------------------------+
 * |                  first record / ack entry ...                 |  16
 * </pre>
 */
final class FileHeader {

    static final int LENGTH = 16;

    /** Version of every file layout described by this class, {@link RecordDescriptor} and {@link AckDescriptor}. */
    static final int VERSION = 1;

    static final int MAGIC_SEGMENT = magic('S');
    static final int MAGIC_ACKS = magic('A');
    static final int MAGIC_METADATA = magic('M');

    private static final int MAGIC_OFFSET = 0;
    private static final int VERSION_OFFSET = 4;
    private static final int NUMBER_OFFSET = 8;

    private FileHeader() {
    }

    private static int magic(final char kind) {
        return 'W' << 24 | 'R' << 16 | 'N' << 8 | kind;
    }

    /** A fresh heap buffer holding the header, ready to write. */
    static ByteBuffer encode(final int magic, final long number) {
        final ByteBuffer header = ByteBuffer.allocate(LENGTH);
        header.putInt(MAGIC_OFFSET, magic).putInt(VERSION_OFFSET, VERSION).putLong(NUMBER_OFFSET, number);
        return header;
    }

    /**
     * Checks the header at the start of {@code image}.
     *
     * @return {@code null} when it is valid, otherwise what is wrong with it, for a report
     */
    static String check(final byte[] image, final int length, final int magic, final long number) {
        if (length < LENGTH) {
            return "file is " + length + " bytes, shorter than its " + LENGTH + "-byte header";
        }
        final ByteBuffer header = ByteBuffer.wrap(image, 0, LENGTH);
        final int foundMagic = header.getInt(MAGIC_OFFSET);
        if (foundMagic != magic) {
            return String.format("bad magic 0x%08x (expected 0x%08x)", foundMagic, magic);
        }
        final int version = header.getInt(VERSION_OFFSET);
        if (version != VERSION) {
            return "unsupported format version " + version + " (this Warren reads version " + VERSION + ")";
        }
        final long foundNumber = header.getLong(NUMBER_OFFSET);
        if (foundNumber != number) {
            return "header names segment " + foundNumber + " but the file name says " + number;
        }
        return null;
    }

    static boolean isAllZero(final byte[] image, final int from, final int to) {
        for (int i = from; i < to; i++) {
            if (image[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
