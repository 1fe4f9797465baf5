package io.warren.store;

import static io.warren.store.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The disk alarm's view of the store's own writes: a watch fires once its budget of bytes is written. */
class WatchWritesTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldFireOnceWhenTheBudgetIsWrittenAndAgainOnlyAfterANewWatch() {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            final AtomicInteger fired = new AtomicInteger();
            final long before = store.bytesWritten();
            store.watchWrites(10_000, fired::incrementAndGet);

            append(log, 9, 1000); // 9 records of 1000 bytes plus framing, and a segment header: below 10,000
            assertThat(store.bytesWritten() - before).isLessThan(10_000);
            assertThat(fired).hasValue(0);

            append(log, 2, 1000);
            assertThat(fired).hasValue(1);
            append(log, 5, 1000);
            assertThat(fired).as("once per watch").hasValue(1);

            store.watchWrites(0, fired::incrementAndGet);
            assertThat(fired).as("a budget already used up fires at once").hasValue(2);
        }
    }

    private static void append(final QueueLog log, final int records, final int size) {
        for (int i = 0; i < records; i++) {
            final ByteBuf r = record(i, size);
            try {
                log.append(r);
            } finally {
                r.release();
            }
        }
    }
}
