package io.warren.store;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;

/**
 * What a {@link QueueLog} keeps in memory about one segment file: the offsets of its valid
 * records (4 bytes each: the only per-record memory the store uses), which of them are acked,
 * and the files it has open. Owned by the log's owning thread.
 *
 * <p>Knowing every record's offset lets {@code ack} and {@code read} reject a position that
 * names no record (instead of acking or reading garbage), makes a repeated ack harmless, and
 * tells when the segment is fully acked and can be deleted.
 */
final class Segment {

    static final String SEGMENT_SUFFIX = ".seg";
    static final String ACKS_SUFFIX = ".acks";
    /** Fixed width so that {@code ls} lists segments in order. */
    private static final int NAME_DIGITS = 20;

    final int number;
    final Path path;
    final Path acksPath;

    private int[] offsets;
    private int recordCount;
    private final BitSet acked = new BitSet();
    private int ackedCount;

    /** End of the last valid record: where the next append goes while this segment is active. */
    long end;
    /** Non-null while this is the log's active (written) segment. */
    SyncedFile writer;
    /** Lazily opened for reads of a sealed segment; owner thread only. */
    FileChannel reader;
    /** Lazily opened on the first ack after the log was opened. */
    SyncedFile acks;
    /** Length of the ack file as this process knows it (header plus whole entries). */
    long acksEnd;

    Segment(final int number, final Path dir, final int expectedRecords) {
        this.number = number;
        this.path = dir.resolve(fileName(number, SEGMENT_SUFFIX));
        this.acksPath = dir.resolve(fileName(number, ACKS_SUFFIX));
        this.offsets = new int[Math.max(16, expectedRecords)];
    }

    static String fileName(final long number, final String suffix) {
        final String digits = Long.toString(number);
        return "0".repeat(Math.max(0, NAME_DIGITS - digits.length())) + digits + suffix;
    }

    /** The segment number of a file named by {@link #fileName}, or -1 for any other name. */
    static long parseNumber(final String fileName, final String suffix) {
        if (fileName.length() != NAME_DIGITS + suffix.length() || !fileName.endsWith(suffix)) {
            return -1;
        }
        long number = 0;
        for (int i = 0; i < NAME_DIGITS; i++) {
            final char c = fileName.charAt(i);
            if (c < '0' || c > '9' || number > Integer.MAX_VALUE) {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number >= 1 && number <= Integer.MAX_VALUE ? number : -1;
    }

    void addRecord(final int offset) {
        if (recordCount == offsets.length) {
            offsets = Arrays.copyOf(offsets, recordCount + (recordCount >> 1) + 16);
        }
        offsets[recordCount++] = offset;
    }

    /** Recovery: releases the slack of the offsets array of a segment that will not grow. */
    void trim() {
        if (offsets.length > recordCount + 16) {
            offsets = Arrays.copyOf(offsets, recordCount);
        }
    }

    /** Index of the record at {@code offset}, or a negative number if no record starts there. */
    int indexOf(final int offset) {
        if (recordCount > 0 && offsets[recordCount - 1] == offset) {
            return recordCount - 1;
        }
        return Arrays.binarySearch(offsets, 0, recordCount, offset);
    }

    int offsetAt(final int index) {
        return offsets[index];
    }

    int recordCount() {
        return recordCount;
    }

    int unackedCount() {
        return recordCount - ackedCount;
    }

    boolean isAcked(final int index) {
        return acked.get(index);
    }

    /** Marks the record acked; false if it already was. */
    boolean markAcked(final int index) {
        if (acked.get(index)) {
            return false;
        }
        acked.set(index);
        ackedCount++;
        return true;
    }

    /** Every record acked (an empty segment counts: nothing in it is needed). */
    boolean isFullyAcked() {
        return ackedCount == recordCount;
    }

    /** The next unacked record index at or after {@code from}, or -1. */
    int nextUnacked(final int from) {
        final int index = acked.nextClearBit(from);
        return index < recordCount ? index : -1;
    }

    @Override
    public String toString() {
        return path.getFileName().toString();
    }
}
