package io.warren.store;

import static io.warren.store.TestRecords.bytes;
import static io.warren.store.TestRecords.read;
import static io.warren.store.TestRecords.record;
import static io.warren.store.TestRecords.recoverAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.store.TestRecords.Recovered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueueLogTest {

    /** Small segments so that a few dozen records span several files. */
    private static final StoreOptions SMALL_SEGMENTS = StoreOptions.defaults().withSegmentSize(4096);

    @TempDir
    Path dataDir;

    private MessageStore store;

    @BeforeEach
    void open() {
        store = MessageStore.open(dataDir, SMALL_SEGMENTS);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private QueueLog reopen(final String queueId) {
        store.close();
        store = MessageStore.open(dataDir, SMALL_SEGMENTS);
        return store.openQueue(queueId);
    }

    private Path queueDir(final String queueId) {
        return dataDir.resolve("queues").resolve(queueId);
    }

    private List<String> segmentFiles(final String queueId) throws IOException {
        try (Stream<Path> files = Files.list(queueDir(queueId))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".seg")).sorted().toList();
        }
    }

    private List<Long> appendAll(final QueueLog log, final int from, final int count, final int size) {
        final List<Long> positions = new ArrayList<>();
        for (int seq = from; seq < from + count; seq++) {
            positions.add(log.append(record(seq, size)));
        }
        return positions;
    }

    @Test
    void shouldRecoverEveryRecordInAppendOrderAcrossSegments() throws IOException {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = new ArrayList<>();
        for (int seq = 0; seq < 100; seq++) {
            positions.add(log.append(record(seq, 20 + seq * 7 % 300)));
        }
        assertThat(positions).isSorted().doesNotHaveDuplicates();
        assertThat(segmentFiles("q1")).hasSizeGreaterThan(3).startsWith("00000000000000000001.seg");
        assertThat(log.count()).isEqualTo(100);

        final QueueLog reopened = reopen("q1");
        final List<Recovered> recovered = recoverAll(reopened);

        assertThat(recovered).extracting(Recovered::position).containsExactlyElementsOf(positions);
        for (int seq = 0; seq < 100; seq++) {
            assertThat(recovered.get(seq).bytes()).isEqualTo(bytes(seq, 20 + seq * 7 % 300));
        }
        assertThat(reopened.count()).isEqualTo(100);
    }

    @Test
    void shouldNotRecoverAckedRecords() {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = appendAll(log, 0, 60, 100);
        for (int seq = 0; seq < 60; seq += 3) {
            log.ack(positions.get(seq));
        }
        assertThat(log.count()).isEqualTo(40);
        store.syncAsync().join();

        final QueueLog reopened = reopen("q1");
        final List<Recovered> recovered = recoverAll(reopened);

        assertThat(recovered).extracting(Recovered::seq)
                .containsExactlyElementsOf(Stream.iterate(0, s -> s + 1).limit(60).filter(s -> s % 3 != 0).toList());
        assertThat(reopened.count()).isEqualTo(40);
        assertThat(recoverReportOfFreshOpen("q1").ackedRecords()).isEqualTo(20);
    }

    private RecoveryReport recoverReportOfFreshOpen(final String queueId) {
        final QueueLog log = reopen(queueId);
        return log.recover((position, record) -> { });
    }

    @Test
    void shouldDeleteFullyAckedSegmentsButKeepTheActiveOne() throws IOException {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = appendAll(log, 0, 40, 500);
        final List<String> before = segmentFiles("q1");
        assertThat(before).hasSizeGreaterThanOrEqualTo(5);

        for (final long position : positions) {
            log.ack(position);
        }
        store.syncAsync().join();

        assertThat(segmentFiles("q1")).containsExactly(before.getLast());
        assertThat(log.count()).isZero();
        try (Stream<Path> files = Files.list(queueDir("q1"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .allMatch(n -> n.startsWith(before.getLast().replace(".seg", "")));
        }
        assertThat(recoverAll(reopen("q1"))).isEmpty();
    }

    @Test
    void shouldDeleteSegmentWhenLastRecordIsAckedOutOfOrder() throws IOException {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = appendAll(log, 0, 30, 500);
        final int firstSegmentRecords = (int) positions.stream().filter(p -> Position.segment(p) == 1).count();
        for (int i = firstSegmentRecords - 1; i >= 1; i--) {
            log.ack(positions.get(i));
        }
        store.syncAsync().join();
        assertThat(segmentFiles("q1")).contains("00000000000000000001.seg");

        log.ack(positions.getFirst());
        store.syncAsync().join();
        assertThat(segmentFiles("q1")).doesNotContain("00000000000000000001.seg");
    }

    @Test
    void shouldDeleteAtRecoveryASegmentAckedWhileItWasActive() throws IOException {
        final QueueLog log = store.openQueue("q1");
        for (final long position : appendAll(log, 0, 3, 100)) {
            log.ack(position);
        }
        store.syncAsync().join();
        assertThat(segmentFiles("q1")).containsExactly("00000000000000000001.seg");

        final QueueLog reopened = reopen("q1");
        final RecoveryReport report = reopened.recover((position, record) -> { });
        assertThat(report.records()).isZero();
        assertThat(report.ackedRecords()).isEqualTo(3);
        store.syncAsync().join();
        assertThat(segmentFiles("q1")).isEmpty();
        assertThat(Position.segment(reopened.append(record(9, 10)))).isEqualTo(2);
    }

    @Test
    void shouldPurgeEverythingAndKeepAppending() throws IOException {
        final QueueLog log = store.openQueue("q1");
        final List<Long> purged = appendAll(log, 0, 50, 300);
        log.ack(purged.get(3));

        log.purge();
        assertThat(log.count()).isZero();
        store.syncAsync().join();
        assertThat(segmentFiles("q1")).isEmpty();

        final long after = log.append(record(1000, 10));
        assertThat(after).isGreaterThan(purged.getLast());
        log.ack(purged.get(10));
        assertThat(log.count()).isEqualTo(1);
        store.syncAsync().join();

        assertThat(recoverAll(reopen("q1"))).extracting(Recovered::seq).containsExactly(1000);
    }

    @Test
    void shouldReadRecordsFromActiveAndSealedSegmentsAndAfterRestart() {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = appendAll(log, 0, 40, 400);
        for (final int seq : new int[] {0, 1, 17, 39}) {
            assertThat(read(log, positions.get(seq))).isEqualTo(bytes(seq, 400));
        }
        // more sealed segments than the reader cache holds
        for (int seq = 0; seq < 40; seq++) {
            assertThat(read(log, positions.get(seq))).isEqualTo(bytes(seq, 400));
        }

        final QueueLog reopened = reopen("q1");
        recoverAll(reopened);
        assertThat(read(reopened, positions.get(25))).isEqualTo(bytes(25, 400));
        final long next = reopened.append(record(40, 400));
        assertThat(read(reopened, next)).isEqualTo(bytes(40, 400));
    }

    @Test
    void shouldGiveARecordLargerThanASegmentASegmentOfItsOwn() throws IOException {
        final QueueLog log = store.openQueue("q1");
        final long small = log.append(record(1, 100));
        final long large = log.append(record(2, 10_000));
        final long after = log.append(record(3, 100));

        assertThat(Position.segment(large)).isEqualTo(Position.segment(small) + 1);
        assertThat(Position.segment(after)).isEqualTo(Position.segment(large) + 1);
        assertThat(read(log, large)).isEqualTo(bytes(2, 10_000));
        assertThat(segmentFiles("q1")).hasSize(3);
        assertThat(recoverAll(reopen("q1"))).extracting(Recovered::seq).containsExactly(1, 2, 3);
    }

    @Test
    void shouldIgnoreRepeatedAcksAndRejectPositionsThatNameNoRecord() {
        final QueueLog log = store.openQueue("q1");
        final List<Long> positions = appendAll(log, 0, 3, 10);
        log.ack(positions.get(1));
        log.ack(positions.get(1));
        assertThat(log.count()).isEqualTo(2);

        assertThatThrownBy(() -> log.ack(positions.get(1) + 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("00000000000000000001.seg@");
        assertThatThrownBy(() -> log.ack(Position.of(99, 16))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> log.read(positions.get(0) + 3)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldStartANewSegmentAfterRestartAndKeepOlderPositionsValid() {
        final QueueLog log = store.openQueue("q1");
        final List<Long> first = appendAll(log, 0, 3, 10);

        final QueueLog reopened = reopen("q1");
        assertThat(recoverAll(reopened)).hasSize(3);
        final long next = reopened.append(record(3, 10));
        assertThat(Position.segment(next)).isEqualTo(Position.segment(first.getLast()) + 1);

        reopened.ack(first.get(0));
        reopened.ack(first.get(1));
        reopened.ack(first.get(2));
        store.syncAsync().join();
        assertThat(recoverAll(reopen("q1"))).extracting(Recovered::seq).containsExactly(3);
    }

    @Test
    void shouldStoreEmptyAndCompositeRecords() {
        final QueueLog log = store.openQueue("q1");
        final long empty = log.append(Unpooled.EMPTY_BUFFER);
        final CompositeByteBuf composite = Unpooled.compositeBuffer();
        composite.addComponent(true, Unpooled.wrappedBuffer(new byte[] {1, 2, 3}));
        composite.addComponent(true, Unpooled.directBuffer().writeBytes(new byte[] {4, 5}));
        final long parts = log.append(composite);
        assertThat(composite.readerIndex()).isZero();
        composite.release();

        assertThat(read(log, empty)).isEmpty();
        assertThat(read(log, parts)).containsExactly(1, 2, 3, 4, 5);
        assertThat(recoverAll(reopen("q1"))).extracting(r -> r.bytes().length).containsExactly(0, 5);
    }

    @Test
    void shouldRequireRecoverWhenTheQueueHasDataOnDisk() {
        final QueueLog log = store.openQueue("q1");
        log.append(record(1, 10));
        final QueueLog reopened = reopen("q1");

        assertThatThrownBy(() -> reopened.append(record(2, 10))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("recover()");
        recoverAll(reopened);
        assertThatThrownBy(() -> reopened.recover((p, r) -> { })).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> store.openQueue("q1")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldListAndDeleteQueues() {
        store.openQueue("b-2").append(record(1, 10));
        store.openQueue("a.1").close();
        assertThat(store.queueIds()).containsExactly("a.1", "b-2");

        store.deleteQueue("b-2");
        assertThat(store.queueIds()).containsExactly("a.1");
        assertThat(queueDir("b-2")).doesNotExist();

        final QueueLog again = store.openQueue("b-2");
        assertThat(again.recover((p, r) -> { }).records()).isZero();
        assertThatThrownBy(() -> store.openQueue("../x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.openQueue(".hidden")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectRecordsAboveTheConfiguredMaximum() {
        store.close();
        store = MessageStore.open(dataDir, SMALL_SEGMENTS.withMaxRecordSize(100));
        final QueueLog log = store.openQueue("q1");
        final ByteBuf tooLarge = record(1, 101);
        assertThatThrownBy(() -> log.append(tooLarge)).isInstanceOf(IllegalArgumentException.class);
        assertThat(log.count()).isZero();
    }
}
