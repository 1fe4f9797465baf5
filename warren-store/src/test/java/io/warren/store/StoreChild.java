package io.warren.store;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The program run in a child JVM by {@link CrashTest} and {@link DiskFullTest}; not a test.
 * It writes its findings to stdout as lines ending in {@code ;} (so a line cut by SIGKILL is
 * recognisable) and ignores other output, such as log lines.
 *
 * <ul>
 *   <li>{@code crash <dataDir> <firstSeq>}: appends and acks forever, like a publisher with confirms and a
 *       consumer. Prints {@code C seq...;} when a sync confirms appended records,
 *       {@code I seq...;} before acking records and {@code A seq...;} when a sync confirms those acks.</li>
 *   <li>{@code fill <dataDir>}: appends until a write fails, then prints {@code OK n;},
 *       {@code FULL outOfSpace;} and {@code AGAIN outOfSpace;} (a second attempt), then closes.</li>
 * </ul>
 */
final class StoreChild {

    static final String QUEUE = "q";
    static final StoreOptions OPTIONS = StoreOptions.defaults().withSegmentSize(64 * 1024);

    private StoreChild() {
    }

    public static void main(final String[] args) throws Exception {
        final PrintStream out = new PrintStream(System.out, true);
        final Path dataDir = Path.of(args[1]);
        switch (args[0]) {
            case "crash" -> crash(dataDir, Integer.parseInt(args[2]), out);
            case "fill" -> fill(dataDir, out);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    /** Record content: the sequence number, then bytes derived from it. */
    static byte[] content(final int seq, final int size) {
        return TestRecords.bytes(seq, size);
    }

    private record Confirmed(int seq, long position) {
    }

    private static void crash(final Path dataDir, final int firstSeq, final PrintStream out) throws Exception {
        final MessageStore store = MessageStore.open(dataDir, OPTIONS);
        final QueueLog log = store.openQueue(QUEUE);
        final ConcurrentLinkedQueue<Confirmed> toAck = new ConcurrentLinkedQueue<>();
        // Each run numbers its records from its own base, so numbers never repeat across runs.
        final int[] next = {firstSeq};
        log.recover((position, record) -> {
            final int seq = record.getInt(record.readerIndex());
            if (seq % 5 == 0) {
                toAck.add(new Confirmed(seq, position));
            }
        });
        out.println("READY;");
        final Semaphore inFlight = new Semaphore(8);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        while (true) {
            final int batch = random.nextInt(1, 20);
            final List<Confirmed> appended = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                final int seq = next[0]++;
                final int size = random.nextInt(4, 3000);
                appended.add(new Confirmed(seq, log.append(Unpooled.wrappedBuffer(content(seq, size)))));
            }
            final List<Confirmed> acking = new ArrayList<>();
            for (Confirmed c = toAck.poll(); c != null; c = toAck.poll()) {
                acking.add(c);
            }
            final List<Integer> acked = new ArrayList<>();
            if (!acking.isEmpty()) {
                // announced before acking: an ack may survive a crash even before a sync confirms it
                final StringBuilder line = new StringBuilder("I");
                acking.forEach(c -> line.append(' ').append(c.seq()));
                out.println(line.append(';'));
                for (final Confirmed c : acking) {
                    log.ack(c.position());
                    acked.add(c.seq());
                }
            }
            inFlight.acquire();
            store.sync(failure -> {
                if (failure == null) {
                    final StringBuilder line = new StringBuilder("C");
                    for (final Confirmed c : appended) {
                        line.append(' ').append(c.seq());
                        if (c.seq() % 5 == 0) {
                            toAck.add(c);
                        }
                    }
                    out.println(line.append(';'));
                    if (!acked.isEmpty()) {
                        final StringBuilder ackLine = new StringBuilder("A");
                        acked.forEach(s -> ackLine.append(' ').append(s));
                        out.println(ackLine.append(';'));
                    }
                }
                inFlight.release();
            });
        }
    }

    private static void fill(final Path dataDir, final PrintStream out) {
        final MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults().withSegmentSize(1 << 20));
        final QueueLog log = store.openQueue(QUEUE);
        int seq = 0;
        try {
            while (true) {
                log.append(Unpooled.wrappedBuffer(content(seq, 1000)));
                seq++;
            }
        } catch (final StoreException e) {
            out.println("OK " + seq + ";");
            out.println("FULL " + e.isOutOfSpace() + ";");
            System.err.println(e);
        }
        try {
            log.append(Unpooled.wrappedBuffer(content(seq, 1000)));
            out.println("AGAIN appended;");
        } catch (final StoreException e) {
            out.println("AGAIN " + e.isOutOfSpace() + ";");
        }
        store.syncAsync().join();
        store.close();
        out.println("CLOSED;");
        System.exit(0);
    }

    static int seqOf(final byte[] record) {
        return ByteBuffer.wrap(record).getInt();
    }

    static boolean intact(final byte[] record) {
        final int seq = seqOf(record);
        return Arrays.equals(record, content(seq, record.length));
    }

    static byte[] bytes(final ByteBuf record) {
        return ByteBufUtil.getBytes(record);
    }
}
