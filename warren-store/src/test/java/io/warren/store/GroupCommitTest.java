package io.warren.store;

import static io.warren.store.TestRecords.record;
import static io.warren.store.TestRecords.recoverAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.store.TestRecords.Recovered;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {

    private static final int THREADS = 8;
    private static final int APPENDS_PER_THREAD = 300;

    @TempDir
    Path dataDir;

    @Test
    void shouldCompleteEverySyncWithFarFewerFsyncsThanRequests() throws Exception {
        final int requests = THREADS * APPENDS_PER_THREAD;
        final CountDownLatch done = new CountDownLatch(requests);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final StoreStats stats;
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults().withSegmentSize(64 * 1024))) {
            final List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                final QueueLog log = store.openQueue("q" + t);
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int seq = 0; seq < APPENDS_PER_THREAD; seq++) {
                        log.append(record(seq, 1024));
                        // like a broker after each read batch: ask, do not wait
                        store.sync(failure -> {
                            if (failure != null) {
                                failures.add(failure);
                            }
                            done.countDown();
                        });
                    }
                }));
            }
            for (final Thread thread : threads) {
                thread.join();
            }
            assertThat(done.await(30, TimeUnit.SECONDS)).as("every listener ran").isTrue();
            stats = store.stats();
        }
        assertThat(failures).isEmpty();
        assertThat(stats.syncRequests()).isEqualTo(requests);
        assertThat(stats.syncRounds()).as("%s", stats).isLessThan(requests / 4);
        assertThat(stats.fileSyncs()).as("%s", stats).isLessThan(requests / 2);

        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            for (int t = 0; t < THREADS; t++) {
                assertThat(recoverAll(store.openQueue("q" + t))).extracting(Recovered::seq)
                        .containsExactlyElementsOf(IntStream.range(0, APPENDS_PER_THREAD).boxed().toList());
            }
        }
    }

    @Test
    void shouldCompleteASyncWithNothingToWriteWithoutAnyFsync() {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final long before = store.stats().fileSyncs();
            store.syncAsync().join();
            assertThat(store.stats().fileSyncs()).isEqualTo(before);
        }
    }

    @Test
    void shouldFsyncEachDirtyFileOncePerRound() {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            log.append(record(1, 10));
            store.syncAsync().join();
            final long before = store.stats().fileSyncs();
            for (int i = 0; i < 50; i++) {
                log.append(record(i, 10));
            }
            store.syncAsync().join();
            assertThat(store.stats().fileSyncs() - before).isEqualTo(1);
        }
    }

    @Test
    void shouldKeepSyncingAfterAListenerThrows() {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            store.sync(failure -> {
                throw new IllegalStateException("listener bug");
            });
            store.syncAsync().join();
        }
    }

    @Test
    void shouldFailSyncRequestsAfterClose() {
        final MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults());
        store.close();
        final AtomicReference<StoreException> failure = new AtomicReference<>();
        final AtomicInteger calls = new AtomicInteger();
        store.sync(f -> {
            calls.incrementAndGet();
            failure.set(f);
        });
        assertThat(calls).hasValue(1);
        assertThat(failure.get()).hasMessageContaining("closed");
    }

    @Test
    void shouldMakeAcksDurableBySync() {
        final List<Long> positions = new ArrayList<>();
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            for (int seq = 0; seq < 10; seq++) {
                positions.add(log.append(record(seq, 10)));
            }
            store.syncAsync().join();
            final long before = store.stats().fileSyncs();
            log.ack(positions.get(4));
            store.syncAsync().join();
            assertThat(store.stats().fileSyncs() - before).as("the new ack file and its folder").isEqualTo(2);
        }
    }
}
