package io.warren.store;

import io.netty.buffer.ByteBufAllocator;
import java.util.Objects;

/**
 * Settings of a {@link MessageStore}, each with its default beside it.
 *
 * @param segmentSize    size at which a queue's segment file is closed and a new one started; a
 *                       record larger than this gets a segment of its own. Smaller segments free
 *                       space sooner when acks arrive out of order; larger ones mean fewer files.
 *                       Default {@value #DEFAULT_SEGMENT_SIZE} (8 MiB), at most {@value #MAX_SIZE}.
 * @param maxRecordSize  largest record {@link QueueLog#append} and {@link MetadataLog#append}
 *                       accept (recovery reads back any record written before, even if this was
 *                       lowered since). Default and maximum
 *                       {@value #MAX_SIZE} (1 GiB; RabbitMQ's largest message is 512 MiB).
 * @param readAllocator  where {@link QueueLog#read(long)} allocates the buffers it returns.
 *                       Default {@link ByteBufAllocator#DEFAULT}.
 * @param syncThreads    how many threads fsync the files of one group commit round in parallel
 *                       (the sync thread and {@code syncThreads - 1} helpers). Each queue has its
 *                       own files, so a round touching many queues has many fsyncs; file systems
 *                       fold concurrent fsyncs into one journal commit. Default
 *                       {@value #DEFAULT_SYNC_THREADS}; 1 fsyncs everything on the sync thread.
 */
public record StoreOptions(int segmentSize, int maxRecordSize, ByteBufAllocator readAllocator, int syncThreads) {

    public static final int DEFAULT_SEGMENT_SIZE = 8 * 1024 * 1024;
    /** Keeps every record offset, and so every segment file, below 2 GiB: offsets fit an int. */
    public static final int MAX_SIZE = 1024 * 1024 * 1024;
    /** A segment must hold its header and one small record. */
    public static final int MIN_SEGMENT_SIZE = 4096;
    public static final int DEFAULT_SYNC_THREADS = 4;

    public StoreOptions {
        if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SIZE) {
            throw new IllegalArgumentException("segmentSize must be in [" + MIN_SEGMENT_SIZE + ", " + MAX_SIZE
                    + "], got " + segmentSize);
        }
        if (maxRecordSize < 0 || maxRecordSize > MAX_SIZE) {
            throw new IllegalArgumentException("maxRecordSize must be in [0, " + MAX_SIZE + "], got " + maxRecordSize);
        }
        Objects.requireNonNull(readAllocator, "readAllocator");
        if (syncThreads < 1 || syncThreads > 64) {
            throw new IllegalArgumentException("syncThreads must be in [1, 64], got " + syncThreads);
        }
    }

    public static StoreOptions defaults() {
        return new StoreOptions(DEFAULT_SEGMENT_SIZE, MAX_SIZE, ByteBufAllocator.DEFAULT, DEFAULT_SYNC_THREADS);
    }

    public StoreOptions withSegmentSize(final int size) {
        return new StoreOptions(size, maxRecordSize, readAllocator, syncThreads);
    }

    public StoreOptions withMaxRecordSize(final int size) {
        return new StoreOptions(segmentSize, size, readAllocator, syncThreads);
    }

    public StoreOptions withSyncThreads(final int threads) {
        return new StoreOptions(segmentSize, maxRecordSize, readAllocator, threads);
    }

    public StoreOptions withReadAllocator(final ByteBufAllocator allocator) {
        return new StoreOptions(segmentSize, maxRecordSize, allocator, syncThreads);
    }
}
