package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * The durable metadata of the broker (vhosts, users, exchanges, queues, bindings, ...) as an
 * append-only log of opaque records in {@code data/meta/metadata.log}: a {@link FileHeader}
 * (kind 'M') followed by records laid out as {@link RecordDescriptor} shows. The store does not
 * interpret them; the broker encodes each change as one record, so a change is applied after a
 * crash either whole or not at all (a torn last record is cut at recovery).
 *
 * <p>Metadata changes are rare, so {@link #sync()} simply fsyncs on the calling thread.
 *
 * <p><b>Compaction</b> ({@link #rewrite}) writes the live records to {@code metadata.log.new},
 * fsyncs it, renames it over {@code metadata.log} (an atomic replace) and fsyncs the folder.
 * Whatever the moment of a crash, the folder holds either the complete old log or the complete
 * new one: a {@code .new} file still present at start-up is an unfinished compaction of the old
 * log, which is still in place, and is deleted.
 *
 * <p><b>Threading:</b> any thread; every method is synchronized.
 */
public final class MetadataLog implements AutoCloseable {

    static final String FILE_NAME = "metadata.log";
    static final String COMPACTION_SUFFIX = ".new";

    private final Path dir;
    private final Path file;
    private final Path compactionFile;
    private final int maxRecordSize;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer header = ByteBuffer.allocateDirect(RecordDescriptor.HEADER_LENGTH);
    private final ByteBuffer[] frameScratch = new ByteBuffer[2];
    private final boolean leftoverCompaction;

    private FileChannel channel;
    private long end;
    private long records;
    /** Appends allowed: recovered, or nothing on disk to recover. */
    private boolean recovered;
    private boolean recoverCalled;
    private boolean closed;

    MetadataLog(final Path dir, final int maxRecordSize) {
        this.dir = dir;
        this.file = dir.resolve(FILE_NAME);
        this.compactionFile = dir.resolve(FILE_NAME + COMPACTION_SUFFIX);
        this.maxRecordSize = maxRecordSize;
        try {
            leftoverCompaction = Files.deleteIfExists(compactionFile);
            if (!Files.exists(file)) {
                createEmpty(file);
                SyncedFile.forceDirectory(dir);
            }
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            end = channel.size();
            recovered = end == FileHeader.LENGTH;
        } catch (final IOException e) {
            throw new StoreException("could not open the metadata log " + file, e);
        }
    }

    /**
     * Verifies the log and hands each record, in append order, to {@code consumer}: a read-only
     * buffer valid only during the call (copy what you keep; do not release it). Call once,
     * before appending; damage is reported in the result, never thrown.
     *
     * @throws IllegalStateException if called twice
     */
    public synchronized RecoveryReport recover(final Consumer<ByteBuf> consumer) {
        ensureOpen();
        final RecoveryReport report = new RecoveryReport("metadata");
        if (leftoverCompaction) {
            report.problem(DataDirectory.META + "/" + compactionFile.getFileName(), 0,
                    RecoveryReport.Kind.LEFTOVER_FILE, 0, "unfinished compaction; removed, the previous log is used");
        }
        if (recoverCalled) {
            throw new IllegalStateException("recover() was already called for the metadata log");
        }
        recoverCalled = true;
        recovered = true;
        final String name = DataDirectory.META + "/" + FILE_NAME;
        try {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE - 16) {
                throw new StoreException("metadata log " + file + " is " + size + " bytes, larger than this store "
                        + "ever writes", null);
            }
            final byte[] image = new byte[(int) size];
            int done = 0;
            while (done < size) {
                final int n = channel.read(ByteBuffer.wrap(image, done, (int) Math.min(1 << 20, size - done)), done);
                if (n < 0) {
                    break;
                }
                done += n;
            }
            report.fileRead();
            if (done < FileHeader.LENGTH || FileHeader.isAllZero(image, 0, FileHeader.LENGTH)) {
                report.problem(name, 0, RecoveryReport.Kind.TORN_TAIL, done,
                        "log created but its header never reached the disk; started it again");
                startOver();
                return report;
            }
            final String headerProblem = FileHeader.check(image, done, FileHeader.MAGIC_METADATA, 0);
            if (headerProblem != null) {
                final Path aside = dir.resolve(FILE_NAME + ".corrupt-" + System.currentTimeMillis());
                report.problem(name, 0, RecoveryReport.Kind.UNREADABLE_FILE, done, headerProblem
                        + "; renamed to " + aside.getFileName() + " and started an empty log");
                channel.close();
                Files.move(file, aside);
                createEmpty(file);
                SyncedFile.forceDirectory(dir);
                channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                end = FileHeader.LENGTH;
                report.logSummary();
                return report;
            }
            final ByteBuf view = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(image).asReadOnly());
            records = 0;
            final SegmentScanner.Result result = SegmentScanner.scan(image, done, (offset, length) -> {
                final int payload = RecordDescriptor.payloadOffset(offset);
                view.setIndex(payload, payload + length);
                records++;
                report.recordRecovered();
                consumer.accept(view);
            });
            for (final SegmentScanner.Damage damage : result.damages()) {
                report.problem(name, damage.offset(), damage.tail() ? RecoveryReport.Kind.TORN_TAIL
                        : RecoveryReport.Kind.CORRUPT_RECORD, damage.length(), damage.detail());
            }
            end = result.validEnd();
            if (result.tail() != null) {
                channel.truncate(end);
                channel.force(true);
            }
            report.logSummary();
            return report;
        } catch (final IOException e) {
            throw new StoreException("could not recover the metadata log " + file, e);
        }
    }

    /**
     * Appends one record (its readable bytes; the buffer is neither changed nor released). It is
     * durable once {@link #sync()} returns.
     *
     * @throws StoreException if the write fails (the log is left without the record)
     */
    public synchronized void append(final ByteBuf record) {
        ensureRecovered();
        final int length = record.readableBytes();
        if (length > maxRecordSize) {
            throw new IllegalArgumentException("metadata record of " + length + " bytes exceeds the maximum of "
                    + maxRecordSize + " bytes");
        }
        final long framed = RecordDescriptor.framedLength(length);
        final ByteBuffer[] frame = RecordDescriptor.frame(record, header, frameScratch, crc);
        try {
            channel.position(end);
            long written = 0;
            while (written < framed) {
                written += channel.write(frame);
            }
        } catch (final IOException e) {
            try {
                channel.truncate(end);
            } catch (final IOException ignored) {
                // recovery cuts the partial record
            }
            throw new StoreException("could not append a record of " + length + " bytes to " + file, e);
        } finally {
            frameScratch[1] = null;
        }
        end += framed;
        records++;
    }

    /** Makes every record appended so far durable (fdatasync on this thread). */
    public synchronized void sync() {
        ensureOpen();
        try {
            channel.force(false);
        } catch (final IOException e) {
            throw new StoreException("could not fsync the metadata log " + file, e);
        }
    }

    /**
     * Replaces the whole log with {@code liveRecords} (for instance a snapshot of the current
     * definitions), crash-safely as the class comment describes. Durable when it returns; on
     * failure the previous log remains in use, unchanged.
     */
    public synchronized void rewrite(final Iterable<ByteBuf> liveRecords) {
        ensureRecovered();
        long newEnd = FileHeader.LENGTH;
        long newRecords = 0;
        try (FileChannel out = FileChannel.open(compactionFile, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            final ByteBuffer fileHeader = FileHeader.encode(FileHeader.MAGIC_METADATA, 0);
            while (fileHeader.hasRemaining()) {
                out.write(fileHeader);
            }
            for (final ByteBuf record : liveRecords) {
                if (record.readableBytes() > maxRecordSize) {
                    throw new IllegalArgumentException("metadata record of " + record.readableBytes()
                            + " bytes exceeds the maximum of " + maxRecordSize + " bytes");
                }
                final long framed = RecordDescriptor.framedLength(record.readableBytes());
                final ByteBuffer[] frame = RecordDescriptor.frame(record, header, frameScratch, crc);
                long written = 0;
                while (written < framed) {
                    written += out.write(frame);
                }
                newEnd += framed;
                newRecords++;
            }
            out.force(true);
        } catch (final IOException | RuntimeException e) {
            frameScratch[1] = null;
            try {
                Files.deleteIfExists(compactionFile);
            } catch (final IOException ignored) {
                // removed at the next start
            }
            if (e instanceof IOException io) {
                throw new StoreException("could not write the compacted metadata log " + compactionFile, io);
            }
            throw (RuntimeException) e;
        }
        frameScratch[1] = null;
        try {
            Files.move(compactionFile, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (final IOException e) {
            throw new StoreException("could not replace " + file + " with its compacted version", e);
        }
        // From here on the new log is the log: switch to it even if the folder fsync fails.
        try {
            channel.close();
        } catch (final IOException ignored) {
            // the old file is gone from the folder already
        }
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            end = newEnd;
            records = newRecords;
            SyncedFile.forceDirectory(dir);
        } catch (final IOException e) {
            throw new StoreException("could not reopen or fsync the compacted metadata log " + file, e);
        }
    }

    /** Bytes in the log, header included: lets the broker decide when to compact. */
    public synchronized long sizeBytes() {
        return end;
    }

    /** Records in the log (recovered plus appended since). */
    public synchronized long recordCount() {
        return records;
    }

    /** Closes the file. Does not fsync: call {@link #sync()} first if needed. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (final IOException e) {
            throw new StoreException("could not close the metadata log " + file, e);
        }
    }

    private void startOver() throws IOException {
        channel.truncate(0);
        final ByteBuffer fileHeader = FileHeader.encode(FileHeader.MAGIC_METADATA, 0);
        while (fileHeader.hasRemaining()) {
            channel.write(fileHeader, fileHeader.position());
        }
        channel.force(true);
        end = FileHeader.LENGTH;
    }

    private static void createEmpty(final Path path) throws IOException {
        try (FileChannel out = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            final ByteBuffer fileHeader = FileHeader.encode(FileHeader.MAGIC_METADATA, 0);
            while (fileHeader.hasRemaining()) {
                out.write(fileHeader);
            }
            out.force(true);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the metadata log is closed");
        }
    }

    private void ensureRecovered() {
        ensureOpen();
        if (!recovered) {
            throw new IllegalStateException("the metadata log has data on disk: call recover() first");
        }
    }
}
