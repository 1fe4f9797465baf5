package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import java.util.zip.CRC32C;

/**
 * Rebuilds a {@link QueueLog}'s in-memory state from its folder, handing every un-acked record to
 * the visitor in append order. Per segment, oldest first: read the whole file, check its header,
 * read its ack file, verify every record ({@link SegmentScanner}), cut a damaged tail, and retire
 * the segment if nothing in it is still needed. Leftovers of interrupted operations (a segment
 * whose header never reached the disk, an ack file whose segment is gone) are removed.
 *
 * <p>The log never appends to a recovered segment: the first append after a restart starts a new
 * one. So an ack entry that outlived the record it named (a record cut with a torn tail, its ack
 * written before the crash) can never match a different record later.
 */
final class QueueRecovery {

    /** Reads go through a bounded window so the JDK's temporary direct buffer stays small. */
    private static final int READ_CHUNK = 1024 * 1024;

    /**
     * @param segments segments still holding un-acked records, in number order
     * @param retired  segments found fully acked: the log hands them to the sync thread, which
     *                 deletes them in the usual order (segment, folder fsync, then acks)
     */
    record Outcome(List<Segment> segments, List<Segment> retired, int nextSegmentNumber, long unacked,
                   boolean directoryChanged) {
    }

    private final Path dir;
    private final String displayDir;
    private final RecoveryReport report;
    private final CRC32C crc = new CRC32C();
    /** The segment being scanned. */
    private byte[] image = new byte[0];
    /** The ack file of the segment being scanned. */
    private byte[] acksImage = new byte[0];
    private boolean directoryChanged;
    private final List<Segment> retired = new ArrayList<>();

    private QueueRecovery(final Path dir, final String displayDir, final RecoveryReport report) {
        this.dir = dir;
        this.displayDir = displayDir;
        this.report = report;
    }

    /**
     * @param displayDir how file names appear in the report, e.g. {@code "queues/ab12/"}
     */
    static Outcome run(final Path dir, final String displayDir, final RecordVisitor visitor,
                       final RecoveryReport report) {
        try {
            return new QueueRecovery(dir, displayDir, report).run(visitor);
        } catch (final IOException e) {
            throw new StoreException("could not recover " + report.source() + " from " + dir, e);
        }
    }

    private Outcome run(final RecordVisitor visitor) throws IOException {
        final TreeSet<Long> segmentNumbers = new TreeSet<>();
        final TreeSet<Long> ackNumbers = new TreeSet<>();
        long highest = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path file : files) {
                final String name = file.getFileName().toString();
                final long segment = Segment.parseNumber(name, Segment.SEGMENT_SUFFIX);
                final long acks = Segment.parseNumber(name, Segment.ACKS_SUFFIX);
                if (segment > 0) {
                    segmentNumbers.add(segment);
                } else if (acks > 0) {
                    ackNumbers.add(acks);
                }
                // Set-aside files (.corrupt) keep their number from being reused too.
                highest = Math.max(highest, leadingNumber(name));
            }
        }
        final List<Segment> segments = new ArrayList<>();
        long unacked = 0;
        final long newest = segmentNumbers.isEmpty() ? -1 : segmentNumbers.last();
        for (final long number : segmentNumbers) {
            final Segment segment = recoverSegment((int) number, number == newest, visitor);
            ackNumbers.remove(number);
            if (segment != null) {
                segments.add(segment);
                unacked += segment.unackedCount();
            }
        }
        for (final long orphan : ackNumbers) {
            final Path acks = dir.resolve(Segment.fileName(orphan, Segment.ACKS_SUFFIX));
            report.problem(displayDir + acks.getFileName(), 0, RecoveryReport.Kind.LEFTOVER_FILE, Files.size(acks),
                    "ack file without its segment (the segment was deleted when fully acked); removed");
            delete(acks);
        }
        if (highest >= Integer.MAX_VALUE) {
            throw new StoreException("segment numbers in " + dir + " are exhausted", null);
        }
        report.logSummary();
        return new Outcome(segments, retired, (int) highest + 1, unacked, directoryChanged);
    }

    /** The recovered segment, or null if it was removed or set aside. */
    private Segment recoverSegment(final int number, final boolean newest, final RecordVisitor visitor)
            throws IOException {
        final Segment segment = new Segment(number, dir, 16);
        final String name = displayDir + segment.path.getFileName();
        final int size = readImage(segment.path, name, false);
        if (size < 0) {
            setAside(segment.path, segment.acksPath);
            return null;
        }
        report.fileRead();
        if (size < FileHeader.LENGTH || FileHeader.isAllZero(image, 0, size)) {
            report.problem(name, 0, RecoveryReport.Kind.LEFTOVER_FILE, size,
                    "segment created but nothing of it reached the disk; removed");
            delete(segment.path, segment.acksPath);
            return null;
        }
        final String headerProblem = FileHeader.check(image, size, FileHeader.MAGIC_SEGMENT, number);
        if (headerProblem != null) {
            report.problem(name, 0, RecoveryReport.Kind.UNREADABLE_FILE, size,
                    headerProblem + "; renamed to " + segment.path.getFileName() + ".corrupt, no records recovered");
            setAside(segment.path, segment.acksPath);
            return null;
        }
        final int[] acked = readAcks(segment);
        final ByteBuf view = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(image).asReadOnly());
        final int[] ackCursor = {0};
        final SegmentScanner.Result result = SegmentScanner.scan(image, size, (offset, length) -> {
            final int index = segment.recordCount();
            segment.addRecord(offset);
            int a = ackCursor[0];
            while (a < acked.length && acked[a] < offset) {
                a++;
            }
            ackCursor[0] = a;
            if (a < acked.length && acked[a] == offset) {
                segment.markAcked(index);
                report.recordSkippedAsAcked();
            } else {
                final int payload = RecordDescriptor.payloadOffset(offset);
                view.setIndex(payload, payload + length);
                report.recordRecovered();
                visitor.onRecord(Position.of(number, offset), view);
            }
        });
        for (final SegmentScanner.Damage damage : result.damages()) {
            final RecoveryReport.Kind kind = !damage.tail() ? RecoveryReport.Kind.CORRUPT_RECORD
                    : newest ? RecoveryReport.Kind.TORN_TAIL : RecoveryReport.Kind.CORRUPT_TAIL;
            report.problem(name, damage.offset(), kind, damage.length(), damage.detail());
        }
        segment.end = result.validEnd();
        if (result.tail() != null) {
            truncate(segment.path, result.validEnd());
        }
        segment.trim();
        if (segment.isFullyAcked()) {
            retired.add(segment);
            return null;
        }
        return segment;
    }

    /**
     * The sorted offsets named by the segment's ack file; sets {@code segment.acksEnd} to the
     * length of its verified part (a torn last entry is cut so that appends continue cleanly).
     */
    private int[] readAcks(final Segment segment) throws IOException {
        if (!Files.exists(segment.acksPath)) {
            return new int[0];
        }
        final String name = displayDir + segment.acksPath.getFileName();
        final int size = readImage(segment.acksPath, name, true);
        if (size < 0) {
            setAside(segment.acksPath);
            return new int[0];
        }
        if (size < FileHeader.LENGTH || FileHeader.isAllZero(acksImage, 0, FileHeader.LENGTH)) {
            delete(segment.acksPath);
            return new int[0];
        }
        final String headerProblem = FileHeader.check(acksImage, size, FileHeader.MAGIC_ACKS, segment.number);
        if (headerProblem != null) {
            report.problem(name, 0, RecoveryReport.Kind.UNREADABLE_FILE, size, headerProblem
                    + "; renamed to " + segment.acksPath.getFileName() + ".corrupt, its acked records will be "
                    + "delivered again");
            setAside(segment.acksPath);
            return new int[0];
        }
        final int whole = FileHeader.LENGTH
                + (size - FileHeader.LENGTH) / AckDescriptor.ENTRY_LENGTH * AckDescriptor.ENTRY_LENGTH;
        int[] offsets = new int[(whole - FileHeader.LENGTH) / AckDescriptor.ENTRY_LENGTH];
        int count = 0;
        int damaged = 0;
        int firstDamaged = -1;
        for (int entry = FileHeader.LENGTH; entry < whole; entry += AckDescriptor.ENTRY_LENGTH) {
            final int offset = AckDescriptor.decode(acksImage, entry, crc);
            if (offset >= 0) {
                offsets[count++] = offset;
            } else if (!FileHeader.isAllZero(acksImage, entry, entry + AckDescriptor.ENTRY_LENGTH)) {
                damaged++;
                firstDamaged = firstDamaged < 0 ? entry : firstDamaged;
            }
        }
        if (damaged > 0) {
            report.problem(name, firstDamaged, RecoveryReport.Kind.CORRUPT_ACKS,
                    (long) damaged * AckDescriptor.ENTRY_LENGTH,
                    damaged + " ack entries failed their checksum; those records will be delivered again");
        }
        if (whole < size) {
            report.problem(name, whole, RecoveryReport.Kind.TORN_TAIL, size - whole,
                    "incomplete ack entry; cut the file at " + whole);
            truncate(segment.acksPath, whole);
        }
        segment.acksEnd = whole;
        offsets = Arrays.copyOf(offsets, count);
        Arrays.sort(offsets);
        return offsets;
    }

    /**
     * Reads the whole file into {@link #image} (or {@link #acksImage}); returns its size, or -1
     * (reported) if it is too large to be a file this store wrote.
     */
    private int readImage(final Path file, final String name, final boolean acks) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                report.problem(name, 0, RecoveryReport.Kind.UNREADABLE_FILE, size,
                        "file of " + size + " bytes is larger than any file this store writes; renamed to "
                                + file.getFileName() + ".corrupt");
                return -1;
            }
            if (acks && acksImage.length < size) {
                acksImage = new byte[(int) size];
            } else if (!acks && image.length < size) {
                image = new byte[(int) size];
            }
            final byte[] target = acks ? acksImage : image;
            int done = 0;
            while (done < size) {
                final int n = channel.read(ByteBuffer.wrap(target, done, (int) Math.min(READ_CHUNK, size - done)), done);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            return done;
        }
    }

    private void truncate(final Path file, final long length) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(length);
            directoryChanged = true;
        } catch (final IOException e) {
            // Harmless: recovered segments are never appended to, and the next recovery cuts again.
            report.problem(displayDir + file.getFileName(), length, RecoveryReport.Kind.CORRUPT_TAIL, 0,
                    "could not truncate: " + e);
        }
    }

    private void delete(final Path... files) throws IOException {
        for (final Path file : files) {
            if (Files.deleteIfExists(file)) {
                directoryChanged = true;
            }
        }
    }

    private void setAside(final Path... files) throws IOException {
        for (final Path file : files) {
            if (Files.exists(file)) {
                Files.move(file, file.resolveSibling(file.getFileName() + ".corrupt"),
                        StandardCopyOption.REPLACE_EXISTING);
                directoryChanged = true;
            }
        }
    }

    /** The number a file name starts with (segment, ack and set-aside files), or 0. */
    private static long leadingNumber(final String name) {
        if (name.length() < 20) {
            return 0;
        }
        return Math.max(0, Segment.parseNumber(name.substring(0, 20) + Segment.SEGMENT_SUFFIX, Segment.SEGMENT_SUFFIX));
    }
}
