package io.warren.store;

import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Walks the records of a whole file image (a segment or the metadata log) and verifies each one,
 * reporting damaged ranges instead of stopping at the first.
 *
 * <p>At a record that does not verify, the scanner looks for where good data starts again:
 * <ol>
 *   <li>right after it, when its length field still points at a verifiable record: the usual
 *       case of a flipped bit in a payload, which costs exactly one record;</li>
 *   <li>nowhere, when the rest of the file is zeros (a crash after the file grew but before its
 *       data was written);</li>
 *   <li>otherwise at the first later offset holding a verifiable record that is itself followed by
 *       a verifiable record, the end of the file, or zeros. Requiring two in a row keeps random
 *       bytes that happen to pass one CRC32C from being taken for a record.</li>
 * </ol>
 * Everything from the damage to that point is one {@link Damage}; a damage with nothing valid
 * after it is the file's tail, which the caller truncates.
 */
final class SegmentScanner {

    /** Receives each verified record: its offset in the image and its payload length. */
    interface Sink {
        void onRecord(int offset, int payloadLength);
    }

    /** A range that did not verify. {@code tail}: nothing valid follows it. */
    record Damage(int offset, int length, boolean tail, String detail) {
    }

    /** {@code validEnd}: the end of the last verified record, where a damaged tail is cut. */
    record Result(int validEnd, List<Damage> damages) {
        Damage tail() {
            return damages.isEmpty() || !damages.getLast().tail() ? null : damages.getLast();
        }
    }

    /**
     * Recovery believes any length up to the hard limit, not the configured maximum: lowering the
     * setting must not turn records written before into "damage".
     */
    private static final int MAX_RECORD_SIZE = StoreOptions.MAX_SIZE;

    private final byte[] image;
    private final int size;
    private final CRC32C crc = new CRC32C();

    private SegmentScanner(final byte[] image, final int size) {
        this.image = image;
        this.size = size;
    }

    /** Scans {@code image[FileHeader.LENGTH, size)}; the header must have been checked already. */
    static Result scan(final byte[] image, final int size, final Sink sink) {
        return new SegmentScanner(image, size).scan(sink);
    }

    private Result scan(final Sink sink) {
        final List<Damage> damages = new ArrayList<>(0);
        int offset = FileHeader.LENGTH;
        int validEnd = offset;
        while (offset < size) {
            final int length = verifiedLength(offset);
            if (length >= 0) {
                sink.onRecord(offset, length);
                offset += RecordDescriptor.HEADER_LENGTH + length;
                validEnd = offset;
                continue;
            }
            final int next = nextValid(offset);
            if (next < 0) {
                damages.add(new Damage(offset, size - offset, true, describe(offset, size)));
                break;
            }
            damages.add(new Damage(offset, next - offset, false, describe(offset, next)));
            offset = next;
        }
        return new Result(validEnd, damages);
    }

    /** The payload length of the record at {@code offset} if it is whole and its checksum matches, else -1. */
    private int verifiedLength(final int offset) {
        final int length = plausibleLength(offset);
        if (length < 0) {
            return -1;
        }
        final int stored = RecordDescriptor.readInt(image, RecordDescriptor.crcOffset(offset));
        return RecordDescriptor.checksum(image, offset, length, crc) == stored ? length : -1;
    }

    /** The length field at {@code offset} if the record it announces fits in the file, else -1. */
    private int plausibleLength(final int offset) {
        if ((long) offset + RecordDescriptor.HEADER_LENGTH > size) {
            return -1;
        }
        final int length = RecordDescriptor.readInt(image, offset + RecordDescriptor.LENGTH_OFFSET);
        if (length < 0 || length > MAX_RECORD_SIZE
                || (long) offset + RecordDescriptor.HEADER_LENGTH + length > size) {
            return -1;
        }
        return length;
    }

    private int nextValid(final int damaged) {
        final int length = plausibleLength(damaged);
        if (length >= 0) {
            final int after = damaged + RecordDescriptor.HEADER_LENGTH + length;
            if (after < size && verifiedLength(after) >= 0) {
                return after;
            }
        }
        if (FileHeader.isAllZero(image, damaged, size)) {
            return -1;
        }
        for (int candidate = damaged + 1; candidate + RecordDescriptor.HEADER_LENGTH <= size; candidate++) {
            final int candidateLength = verifiedLength(candidate);
            if (candidateLength < 0) {
                continue;
            }
            final int after = candidate + RecordDescriptor.HEADER_LENGTH + candidateLength;
            if (after == size || verifiedLength(after) >= 0 || FileHeader.isAllZero(image, after, size)) {
                return candidate;
            }
        }
        return -1;
    }

    private String describe(final int offset, final int end) {
        final String skipped = end == size ? "; cut the file at " + offset
                : "; skipped " + (end - offset) + " bytes, resumed at offset " + end;
        if (offset + RecordDescriptor.HEADER_LENGTH > size) {
            return "incomplete record header of " + (size - offset) + " bytes" + skipped;
        }
        if (FileHeader.isAllZero(image, offset, end)) {
            return "zero-filled bytes where a record should be" + skipped;
        }
        final int length = RecordDescriptor.readInt(image, offset);
        if (length < 0 || length > MAX_RECORD_SIZE) {
            return "impossible record length " + length + skipped;
        }
        if ((long) offset + RecordDescriptor.HEADER_LENGTH + length > size) {
            return "record of " + length + " bytes runs "
                    + (offset + RecordDescriptor.HEADER_LENGTH + length - size) + " bytes past the end of the file"
                    + skipped;
        }
        return "checksum mismatch in a record of " + length + " bytes" + skipped;
    }
}
