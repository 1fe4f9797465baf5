package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The message log of one durable queue: opaque records appended in order, read back by position,
 * acked when consumed, replayed by {@link #recover} after a restart. Files live in
 * {@code data/queues/<queue-id>/}; see the package documentation for the layout and policies.
 *
 * <p><b>Threading.</b> A log has one owning thread (the queue's event loop): {@link #recover},
 * {@link #append}, {@link #ack}, {@link #read}, {@link #count}, {@link #purge} and {@link #close}
 * must all be called from it, or from another thread only with a happens-before hand-off (the
 * log takes no locks on these paths). None of them waits for an fsync: durability is asked for
 * with {@link MessageStore#sync(SyncListener)}, from any thread, and covers every append and ack
 * that happened before the request.
 *
 * <p><b>Life cycle.</b> {@link MessageStore#openQueue} returns the log. If its folder already
 * holds data, {@link #recover} must be called first (other methods throw until then); for a new
 * queue it is optional.
 */
public final class QueueLog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueueLog.class);

    /** Sealed segments whose read channel stays open: consumers read near the head, so few are needed. */
    private static final int MAX_OPEN_READERS = 4;
    /** Ack files kept open: acks also cluster near the head. */
    private static final int MAX_OPEN_ACK_FILES = 4;

    private enum State { UNRECOVERED, OPEN, CLOSED }

    private final MessageStore store;
    private final String id;
    private final Path dir;
    private final SyncedFile dirSync;
    private final GroupCommit commit;
    private final WriteMeter writeMeter;
    private final int segmentSize;
    private final int maxRecordSize;
    private final ByteBufAllocator allocator;

    /** Live segments in number order; the active one, if any, is last. */
    private Segment[] segments = new Segment[8];
    private int segmentCount;
    private Segment active;
    private int nextSegmentNumber = 1;
    private long count;
    private State state;
    private boolean recoverCalled;

    private final Segment[] openReaders = new Segment[MAX_OPEN_READERS];
    private int nextReaderVictim;
    private final Segment[] openAckFiles = new Segment[MAX_OPEN_ACK_FILES];
    private int nextAckFileVictim;

    private final ByteBuffer header = ByteBuffer.allocateDirect(RecordDescriptor.HEADER_LENGTH);
    private final ByteBuffer readHeader = ByteBuffer.allocateDirect(RecordDescriptor.HEADER_LENGTH);
    private final ByteBuffer[] frameScratch = new ByteBuffer[2];
    private final ByteBuffer ackEntry = ByteBuffer.allocateDirect(AckDescriptor.ENTRY_LENGTH);
    private final CRC32C crc = new CRC32C();

    QueueLog(final MessageStore store, final String id, final Path dir, final boolean hasData) {
        this.store = store;
        this.id = id;
        this.dir = dir;
        this.commit = store.groupCommit();
        this.writeMeter = store.writeMeter();
        this.dirSync = SyncedFile.directory(dir, commit);
        this.segmentSize = store.options().segmentSize();
        this.maxRecordSize = store.options().maxRecordSize();
        this.allocator = store.options().readAllocator();
        this.state = hasData ? State.UNRECOVERED : State.OPEN;
    }

    /** The id this log was opened with. */
    public String id() {
        return id;
    }

    /**
     * Verifies the log's files and calls {@code visitor} for every un-acked record, in append order.
     * Call once, before anything else. Damage is reported, logged and skipped, never thrown: see
     * {@link RecoveryReport}. The first append afterwards starts a new segment.
     *
     * @throws IllegalStateException if called twice or after close
     * @throws StoreException        if the folder cannot be read at all
     */
    public RecoveryReport recover(final RecordVisitor visitor) {
        if (state == State.CLOSED) {
            throw new IllegalStateException("queue log " + id + " is closed");
        }
        if (recoverCalled) {
            throw new IllegalStateException("recover() was already called for queue log " + id);
        }
        recoverCalled = true;
        final RecoveryReport report = new RecoveryReport("queue " + id);
        if (state == State.OPEN) {
            return report;
        }
        final QueueRecovery.Outcome outcome = QueueRecovery.run(dir, "queues/" + id + "/", visitor,
                report);
        final List<Segment> recovered = outcome.segments();
        segments = recovered.toArray(new Segment[Math.max(8, recovered.size() + 1)]);
        segmentCount = recovered.size();
        nextSegmentNumber = outcome.nextSegmentNumber();
        count = outcome.unacked();
        if (outcome.directoryChanged()) {
            dirSync.markDirty();
        }
        for (final Segment done : outcome.retired()) {
            commit.enqueueRetired(done.path, done.acksPath, dirSync);
        }
        state = State.OPEN;
        return report;
    }

    /**
     * Appends the readable bytes of {@code record} (its indexes are not changed and it is not
     * released). Returns once the bytes are in the operating system's page cache: a crash of the
     * process no longer loses them, a crash of the machine may, until a sync covers them.
     *
     * @return the record's position: positive, larger than any earlier position of this log
     * @throws StoreException           if the write failed (e.g. disk full, see {@link StoreException#isOutOfSpace()});
     *                                  the record is then not in the log and the log remains usable
     * @throws IllegalArgumentException if the record is larger than {@link StoreOptions#maxRecordSize()}
     */
    public long append(final ByteBuf record) {
        checkWritable();
        final int length = record.readableBytes();
        if (length > maxRecordSize) {
            throw new IllegalArgumentException("record of " + length + " bytes exceeds the maximum of "
                    + maxRecordSize + " bytes");
        }
        final long framed = RecordDescriptor.framedLength(length);
        Segment segment = active;
        if (segment == null || segment.recordCount() > 0 && segment.end + framed > segmentSize) {
            segment = startSegment();
        }
        final int offset = (int) segment.end;
        final ByteBuffer[] frame = RecordDescriptor.frame(record, header, frameScratch, crc);
        try {
            final FileChannel channel = segment.writer.channel();
            long written = 0;
            while (written < framed) {
                written += channel.write(frame);
            }
        } catch (final IOException e) {
            throw writeFailed(segment, length, e);
        } finally {
            frameScratch[1] = null;
        }
        segment.end += framed;
        segment.addRecord(offset);
        count++;
        segment.writer.markDirty();
        writeMeter.add(framed);
        return Position.of(segment.number, offset);
    }

    /**
     * Marks the record consumed. It is not returned by a later {@link #recover}, provided a sync
     * completed after this call and before the crash (acks are written at once but fsynced only by
     * the next group commit round). Acking a record twice, or a record of a segment already
     * deleted, does nothing. When every record of a sealed segment is acked, its files are
     * deleted by the next sync round.
     *
     * @throws IllegalArgumentException if no record of this log starts at {@code position}
     * @throws StoreException           if the ack could not be written; the record still counts as
     *                                  consumed in this process, but may come back after a restart
     */
    public void ack(final long position) {
        checkWritable();
        final int number = Position.segment(position);
        final Segment segment = find(number);
        if (segment == null) {
            if (number >= 1 && number < nextSegmentNumber) {
                return;
            }
            throw noRecord(position);
        }
        final int offset = Position.offset(position);
        final int index = segment.indexOf(offset);
        if (index < 0) {
            throw noRecord(position);
        }
        if (!segment.markAcked(index)) {
            return;
        }
        count--;
        if (segment != active && segment.isFullyAcked()) {
            // Deleting the segment is the ack; no need to write an entry first.
            retire(segment);
            return;
        }
        writeAck(segment, offset);
    }

    /**
     * Reads the record at {@code position} from its file (the store keeps no record bodies in
     * memory) and verifies its checksum. The caller must release the returned buffer, which is
     * allocated from {@link StoreOptions#readAllocator()}. Reading an acked record is allowed
     * until its segment is deleted.
     *
     * @throws IllegalArgumentException if no record of this log starts at {@code position}
     * @throws StoreException           if the read fails or the bytes no longer match their checksum
     */
    public ByteBuf read(final long position) {
        ensureOpen();
        final Segment segment = find(Position.segment(position));
        final int offset = Position.offset(position);
        if (segment == null || segment.indexOf(offset) < 0) {
            throw noRecord(position);
        }
        ByteBuf record = null;
        try {
            final FileChannel channel = segment.writer != null && segment.writer.channel().isOpen()
                    ? segment.writer.channel() : reader(segment);
            readHeader.clear();
            while (readHeader.hasRemaining()) {
                if (channel.read(readHeader, offset + readHeader.position()) < 0) {
                    throw new StoreException("unexpected end of " + segment.path + " reading the record at offset "
                            + offset, null);
                }
            }
            final int length = readHeader.getInt(RecordDescriptor.LENGTH_OFFSET);
            final int stored = readHeader.getInt(RecordDescriptor.CRC_OFFSET);
            if (length < 0 || offset + RecordDescriptor.framedLength(length) > segment.end) {
                throw new StoreException("record at offset " + offset + " of " + segment.path
                        + " has an impossible length " + length + " (the file changed under the store)", null);
            }
            record = allocator.buffer(length, length);
            long from = RecordDescriptor.payloadOffset(offset);
            while (record.isWritable()) {
                final int n = record.writeBytes(channel, from, record.writableBytes());
                if (n < 0) {
                    throw new StoreException("unexpected end of " + segment.path + " reading the record at offset "
                            + offset, null);
                }
                from += n;
            }
            if (RecordDescriptor.checksum(length, record, crc) != stored) {
                throw new StoreException("record at offset " + offset + " of " + segment.path
                        + " failed its checksum (damaged on disk)", null);
            }
            final ByteBuf result = record;
            record = null;
            return result;
        } catch (final IOException e) {
            throw new StoreException("could not read the record at offset " + offset + " of " + segment.path, e);
        } finally {
            if (record != null) {
                record.release();
            }
        }
    }

    /** Records appended (or recovered) and not yet acked. */
    public long count() {
        ensureOpen();
        return count;
    }

    /**
     * Acks every record: all segment files are deleted by the next sync round (which also makes
     * the purge durable), and the next append starts a new segment. Cheap whatever the depth: no
     * ack entries are written.
     */
    public void purge() {
        checkWritable();
        if (active != null) {
            // Purged records need no fsync: the writer is closed without one, then deleted below.
            active.writer.closeAfterSync(true);
            active.writer = null;
            active = null;
        }
        while (segmentCount > 0) {
            retire(segments[segmentCount - 1]);
        }
        count = 0;
    }

    /**
     * Releases the log's files. Appended data is not lost: the files are handed to the sync thread,
     * which fsyncs them in its next round before closing them. The log cannot be used afterwards;
     * the queue may be opened again with {@link MessageStore#openQueue}.
     */
    @Override
    public void close() {
        release(false);
    }

    /** Like close, but the content no longer matters (the queue is being deleted): no fsync. */
    void discard() {
        release(true);
    }

    private void release(final boolean discard) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (active != null) {
            active.writer.closeAfterSync(discard);
            active.writer = null;
            active = null;
        }
        for (int i = 0; i < segmentCount; i++) {
            closeReader(segments[i]);
            if (segments[i].acks != null) {
                segments[i].acks.closeAfterSync(discard);
                segments[i].acks = null;
            }
        }
        store.onClosed(this);
    }

    // ------------------------------------------------------------------ segments

    private Segment startSegment() {
        if (active != null) {
            sealActive();
        }
        if (nextSegmentNumber == Integer.MAX_VALUE) {
            throw new StoreException("queue " + id + " has used every segment number", null);
        }
        final Segment segment = new Segment(nextSegmentNumber++, dir, 64);
        final FileChannel channel;
        try {
            channel = FileChannel.open(segment.path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (final IOException e) {
            throw new StoreException("could not create segment " + segment.path, e);
        }
        try {
            final ByteBuffer fileHeader = FileHeader.encode(FileHeader.MAGIC_SEGMENT, segment.number);
            while (fileHeader.hasRemaining()) {
                channel.write(fileHeader);
            }
        } catch (final IOException e) {
            closeQuietly(channel);
            deleteQuietly(segment.path);
            throw new StoreException("could not write the header of new segment " + segment.path, e);
        }
        segment.end = FileHeader.LENGTH;
        writeMeter.add(FileHeader.LENGTH);
        segment.writer = SyncedFile.file(segment.path, channel, commit);
        segment.writer.markDirty();
        dirSync.markDirty();
        addSegment(segment);
        active = segment;
        return segment;
    }

    /** The active segment stops taking appends; its writer goes to the sync thread to be fsynced and closed. */
    private void sealActive() {
        final Segment sealed = active;
        active = null;
        sealed.writer.closeAfterSync(false);
        sealed.writer = null;
        sealed.trim();
        if (sealed.isFullyAcked()) {
            retire(sealed);
        }
    }

    /** Removes a segment whose records are all acked (or purged); the sync thread deletes its files. */
    private void retire(final Segment segment) {
        removeSegment(segment);
        count -= segment.unackedCount();
        closeReader(segment);
        if (segment.acks != null) {
            segment.acks.closeAfterSync(true);
            segment.acks = null;
            forget(openAckFiles, segment);
        }
        if (segment.writer != null) {
            segment.writer.closeAfterSync(true);
            segment.writer = null;
        }
        commit.enqueueRetired(segment.path, segment.acksPath, dirSync);
    }

    /**
     * Undoes a failed append so the log stays consistent: cut the partial record off. When the
     * channel itself is gone (an interrupt of this thread closes it), the cut is made through a
     * fresh descriptor and the segment is sealed at its last whole record: the next append starts
     * a new one. If even that fails, recovery will cut the partial record.
     */
    private StoreException writeFailed(final Segment segment, final int length, final IOException cause) {
        final FileChannel channel = segment.writer.channel();
        if (channel.isOpen()) {
            try {
                channel.truncate(segment.end);
                channel.position(segment.end);
                return new StoreException("could not append a record of " + length + " bytes to " + segment.path,
                        cause);
            } catch (final IOException | RuntimeException e) {
                LOG.warn("queue {}: could not cut a failed append off {} ({}); sealing the segment", id,
                        segment.path, e.toString());
            }
        }
        cutWithFreshChannel(segment.path, segment.end);
        sealActive();
        return new StoreException("could not append a record of " + length + " bytes to " + segment.path, cause);
    }

    /** Truncates through a new descriptor, with this thread's interrupt status set aside meanwhile. */
    private void cutWithFreshChannel(final Path path, final long length) {
        final boolean interrupted = Thread.interrupted();
        try (FileChannel fresh = FileChannel.open(path, StandardOpenOption.WRITE)) {
            fresh.truncate(length);
        } catch (final IOException e) {
            LOG.warn("queue {}: could not cut {} back to {} bytes ({}); recovery will", id, path, length, e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void writeAck(final Segment segment, final int offset) {
        try {
            if (segment.acks == null) {
                openAckFile(segment);
            }
            AckDescriptor.encode(ackEntry, offset, crc);
            final FileChannel channel = segment.acks.channel();
            while (ackEntry.hasRemaining()) {
                channel.write(ackEntry, segment.acksEnd + ackEntry.position());
            }
        } catch (final IOException e) {
            if (segment.acks != null && !segment.acks.channel().isOpen()) {
                // Closed by an interrupt: let the sync thread fsync what it holds; the next ack reopens.
                segment.acks.closeAfterSync(false);
                segment.acks = null;
                forget(openAckFiles, segment);
            }
            throw new StoreException("could not write the ack of offset " + offset + " to " + segment.acksPath
                    + "; the message may be delivered again after a restart", e);
        }
        segment.acksEnd += AckDescriptor.ENTRY_LENGTH;
        segment.acks.markDirty();
        writeMeter.add(AckDescriptor.ENTRY_LENGTH);
    }

    private void openAckFile(final Segment segment) throws IOException {
        final int slot = freeSlot(openAckFiles, nextAckFileVictim);
        if (openAckFiles[slot] != null) {
            final Segment evicted = openAckFiles[slot];
            evicted.acks.closeAfterSync(false);
            evicted.acks = null;
            nextAckFileVictim = (slot + 1) % MAX_OPEN_ACK_FILES;
        }
        final FileChannel channel = FileChannel.open(segment.acksPath, StandardOpenOption.CREATE,
                StandardOpenOption.WRITE);
        try {
            if (segment.acksEnd < FileHeader.LENGTH) {
                // New file (or one whose header never made it): start it over.
                channel.truncate(0);
                final ByteBuffer fileHeader = FileHeader.encode(FileHeader.MAGIC_ACKS, segment.number);
                while (fileHeader.hasRemaining()) {
                    channel.write(fileHeader, fileHeader.position());
                }
                segment.acksEnd = FileHeader.LENGTH;
                dirSync.markDirty();
            }
        } catch (final IOException e) {
            closeQuietly(channel);
            throw e;
        }
        segment.acks = SyncedFile.file(segment.acksPath, channel, commit);
        openAckFiles[slot] = segment;
    }

    private FileChannel reader(final Segment segment) throws IOException {
        if (segment.reader != null) {
            if (segment.reader.isOpen()) {
                return segment.reader;
            }
            closeReader(segment); // closed by an interrupt: open it again
        }
        final int slot = freeSlot(openReaders, nextReaderVictim);
        if (openReaders[slot] != null) {
            closeReader(openReaders[slot]);
            nextReaderVictim = (slot + 1) % MAX_OPEN_READERS;
        }
        segment.reader = FileChannel.open(segment.path, StandardOpenOption.READ);
        openReaders[slot] = segment;
        return segment.reader;
    }

    private void closeReader(final Segment segment) {
        if (segment.reader != null) {
            closeQuietly(segment.reader);
            segment.reader = null;
            forget(openReaders, segment);
        }
    }

    /** An empty slot, or the victim slot when all are taken (round robin: cheap and good enough). */
    private static int freeSlot(final Segment[] slots, final int victim) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) {
                return i;
            }
        }
        return victim;
    }

    private static void forget(final Segment[] slots, final Segment segment) {
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == segment) {
                slots[i] = null;
            }
        }
    }

    private Segment find(final int number) {
        final Segment last = active;
        if (last != null && last.number == number) {
            return last;
        }
        if (segmentCount > 0 && segments[0].number == number) {
            return segments[0];
        }
        int low = 0;
        int high = segmentCount - 1;
        while (low <= high) {
            final int mid = (low + high) >>> 1;
            final int found = segments[mid].number;
            if (found < number) {
                low = mid + 1;
            } else if (found > number) {
                high = mid - 1;
            } else {
                return segments[mid];
            }
        }
        return null;
    }

    private void addSegment(final Segment segment) {
        if (segmentCount == segments.length) {
            segments = Arrays.copyOf(segments, segmentCount * 2);
        }
        segments[segmentCount++] = segment;
    }

    private void removeSegment(final Segment segment) {
        for (int i = segmentCount - 1; i >= 0; i--) {
            if (segments[i] == segment) {
                System.arraycopy(segments, i + 1, segments, i, segmentCount - i - 1);
                segments[--segmentCount] = null;
                return;
            }
        }
    }

    // ------------------------------------------------------------------ checks

    private void ensureOpen() {
        if (state != State.OPEN) {
            throw new IllegalStateException(state == State.CLOSED ? "queue log " + id + " is closed"
                    : "queue log " + id + " has data on disk: call recover() first");
        }
    }

    private void checkWritable() {
        ensureOpen();
        final StoreException failure = commit.failure();
        if (failure != null) {
            throw new StoreException("the message store stopped accepting writes after an earlier failure", failure);
        }
    }

    private IllegalArgumentException noRecord(final long position) {
        return new IllegalArgumentException("queue " + id + " has no record at " + Position.toString(position));
    }

    private static void closeQuietly(final FileChannel channel) {
        try {
            channel.close();
        } catch (final IOException ignored) {
            // closing a descriptor we give up on
        }
    }

    private static void deleteQuietly(final Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (final IOException ignored) {
            // a leftover empty segment is removed by recovery
        }
    }

    @Override
    public String toString() {
        return "QueueLog[" + id + ", " + count + " records, " + segmentCount + " segments]";
    }
}
