package io.warren.store;

/**
 * A record's position in its {@link QueueLog}: the segment number in the high 32 bits and the
 * record's byte offset in that segment file in the low 32 bits. Positions are positive and grow
 * in append order, so the broker may compare them with {@code <} and use them as map keys.
 * A position stays valid across restarts; it is never reused by the same log while the record
 * it named may still be read.
 */
public final class Position {

    private Position() {
    }

    static long of(final int segment, final int offset) {
        return (long) segment << 32 | offset & 0xffff_ffffL;
    }

    /** The number of the segment file holding the record. */
    public static int segment(final long position) {
        return (int) (position >>> 32);
    }

    /** The record's byte offset in its segment file. */
    public static int offset(final long position) {
        return (int) position;
    }

    /** For log messages: {@code 00000000000000000003.seg@1024}. */
    public static String toString(final long position) {
        return Segment.fileName(segment(position), Segment.SEGMENT_SUFFIX) + "@" + offset(position);
    }
}
