package io.warren.store;

import static io.warren.store.TestRecords.record;
import static io.warren.store.TestRecords.recoverAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.warren.store.TestRecords.Recovered;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Java closes a FileChannel when the thread using it is interrupted; the log must not break for good. */
class InterruptTest {

    @TempDir
    Path dataDir;

    @Test
    void shouldFailOnlyTheInterruptedAppend() {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            log.append(record(1, 100));
            log.append(record(2, 100));

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> log.append(record(3, 100))).isInstanceOf(StoreException.class);
            assertThat(Thread.interrupted()).as("interrupt status kept for the caller").isTrue();

            final long next = log.append(record(4, 100));
            assertThat(Position.segment(next)).isEqualTo(2);
            assertThat(TestRecords.read(log, next)).isEqualTo(TestRecords.bytes(4, 100));
            store.syncAsync().join();
            assertThat(log.count()).isEqualTo(3);
        }
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            assertThat(recoverAll(log)).extracting(Recovered::seq).containsExactly(1, 2, 4);
        }
    }

    @Test
    void shouldFailOnlyTheInterruptedAck() {
        final long[] positions = new long[3];
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            for (int seq = 0; seq < 3; seq++) {
                positions[seq] = log.append(record(seq, 100));
            }
            log.ack(positions[0]);

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> log.ack(positions[1])).isInstanceOf(StoreException.class)
                    .hasMessageContaining("delivered again");
            assertThat(Thread.interrupted()).isTrue();

            log.ack(positions[2]);
            store.syncAsync().join();
        }
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            // the interrupted ack did not reach the disk: that message comes back, nothing else does
            assertThat(recoverAll(store.openQueue("q"))).extracting(Recovered::seq).containsExactly(1);
        }
    }
}
