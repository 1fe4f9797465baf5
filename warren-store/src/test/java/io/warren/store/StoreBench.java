package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;

/**
 * Rough throughput of the store with group commit; a program, not a test (timed tests lie on a
 * shared machine). Each "event loop" thread owns a few queues, appends 1 KB records, and asks for a
 * sync after every batch without waiting, keeping at most {@code window} requests in flight, like
 * a broker confirming publishes per read batch. Then one thread drains a queue: read + ack.
 *
 * <pre>
 * java -cp ... io.warren.store.StoreBench [seconds=5] [threads=2] [queuesPerThread=2] [batch=16]
 *      [window=32] [recordSize=1024] [dataDir=a temp folder]
 * </pre>
 */
public final class StoreBench {

    private StoreBench() {
    }

    public static void main(final String[] args) throws Exception {
        final int seconds = arg(args, 0, 5);
        final int threads = arg(args, 1, 2);
        final int queuesPerThread = arg(args, 2, 2);
        final int batch = arg(args, 3, 16);
        final int window = arg(args, 4, 32);
        final int recordSize = arg(args, 5, 1024);
        final Path dataDir = args.length > 6 ? Path.of(args[6]) : Files.createTempDirectory("warren-bench");
        System.out.printf("StoreBench: %d s, %d threads x %d queues, %d-byte records, sync every %d appends, "
                + "window %d, data in %s%n", seconds, threads, queuesPerThread, recordSize, batch, window, dataDir);

        final LongAdder appended = new LongAdder();
        final LongAdder confirmed = new LongAdder();
        final List<long[]> firstQueuePositions = new ArrayList<>();
        final MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults());
        try {
            final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
            final List<Thread> workers = new ArrayList<>();
            final long start = System.nanoTime();
            for (int t = 0; t < threads; t++) {
                final QueueLog[] logs = new QueueLog[queuesPerThread];
                for (int q = 0; q < queuesPerThread; q++) {
                    logs[q] = store.openQueue("bench-" + t + "-" + q);
                }
                final long[][] positions = {new long[1 << 16]};
                final int[] kept = {0};
                final boolean keep = t == 0;
                workers.add(Thread.ofPlatform().name("loop-" + t).start(() -> {
                    final ByteBuf record = PooledByteBufAllocator.DEFAULT.directBuffer(recordSize);
                    record.writeZero(recordSize);
                    final Semaphore inFlight = new Semaphore(window);
                    int next = 0;
                    try {
                        while (System.nanoTime() < deadline) {
                            for (int i = 0; i < batch; i++) {
                                final int q = next++ % logs.length;
                                final long position = logs[q].append(record);
                                if (keep && q == 0) {
                                    if (kept[0] == positions[0].length) {
                                        positions[0] = Arrays.copyOf(positions[0], kept[0] * 2);
                                    }
                                    positions[0][kept[0]++] = position;
                                }
                            }
                            appended.add(batch);
                            inFlight.acquireUninterruptibly();
                            store.sync(failure -> {
                                if (failure == null) {
                                    confirmed.add(batch);
                                }
                                inFlight.release();
                            });
                        }
                        inFlight.acquireUninterruptibly(window);
                    } finally {
                        record.release();
                    }
                    if (keep) {
                        synchronized (firstQueuePositions) {
                            firstQueuePositions.add(Arrays.copyOf(positions[0], kept[0]));
                        }
                    }
                }));
            }
            for (final Thread worker : workers) {
                worker.join();
            }
            final double elapsed = (System.nanoTime() - start) / 1e9;
            final StoreStats stats = store.stats();
            System.out.printf("appends:   %,.0f records/s (%,.1f MB/s)%n", appended.sum() / elapsed,
                    appended.sum() * (double) recordSize / elapsed / 1e6);
            System.out.printf("confirmed: %,.0f records/s%n", confirmed.sum() / elapsed);
            System.out.printf("syncs:     %,.0f requests/s, %,.0f rounds/s, %,.0f fsyncs/s; %.1f appends and %.1f "
                            + "requests per round%n", stats.syncRequests() / elapsed, stats.syncRounds() / elapsed,
                    stats.fileSyncs() / elapsed, appended.sum() / (double) stats.syncRounds(),
                    stats.syncRequests() / (double) stats.syncRounds());

            // drain one queue the way a consumer would once its bodies are paged out
            final long[] positions = firstQueuePositions.getFirst();
            store.close();
            try (MessageStore reopened = MessageStore.open(dataDir, StoreOptions.defaults())) {
                final long recoverStart = System.nanoTime();
                final QueueLog log = reopened.openQueue("bench-0-0");
                final RecoveryReport report = log.recover((position, r) -> { });
                final double recoverSeconds = (System.nanoTime() - recoverStart) / 1e9;
                System.out.printf("recovery:  %,d records in %.2f s (%,.0f records/s)%n", report.records(),
                        recoverSeconds, report.records() / recoverSeconds);
                final long drainStart = System.nanoTime();
                for (final long position : positions) {
                    log.read(position).release();
                    log.ack(position);
                }
                reopened.syncAsync().join();
                final double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
                System.out.printf("drain:     %,.0f read+ack/s (one queue, one thread)%n", positions.length / drainSeconds);
            }
        } finally {
            store.close();
            if (args.length <= 6) {
                DataDirectory.deleteTree(dataDir);
            }
        }
    }

    private static int arg(final String[] args, final int index, final int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }
}
