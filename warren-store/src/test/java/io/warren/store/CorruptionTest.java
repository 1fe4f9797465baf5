package io.warren.store;

import static io.warren.store.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBufUtil;
import io.warren.store.RecoveryReport.Kind;
import io.warren.store.TestRecords.Recovered;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Damage in the middle of a log is reported by file and offset, skipped, and never stops the start. */
class CorruptionTest {

    private static final StoreOptions OPTIONS = StoreOptions.defaults().withSegmentSize(4096);

    @TempDir
    Path dataDir;

    /** Ten 380-byte records per segment file, 30 records: segments 1, 2 and 3. */
    private List<Long> writeThirtyRecords() {
        final List<Long> positions = new ArrayList<>();
        try (MessageStore store = MessageStore.open(dataDir, OPTIONS)) {
            final QueueLog log = store.openQueue("q");
            for (int seq = 0; seq < 30; seq++) {
                positions.add(log.append(record(seq, 380)));
            }
        }
        assertThat(positions.stream().map(Position::segment).distinct()).containsExactly(1, 2, 3);
        return positions;
    }

    private Path segment(final long position) {
        return dataDir.resolve("queues/q").resolve(Segment.fileName(Position.segment(position), ".seg"));
    }

    private static void flipByte(final Path file, final long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            final int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x40);
        }
    }

    private record Outcome(List<Integer> seqs, RecoveryReport report) {
    }

    private Outcome recover() {
        try (MessageStore store = MessageStore.open(dataDir, OPTIONS)) {
            final QueueLog log = store.openQueue("q");
            final List<Recovered> recovered = new ArrayList<>();
            final RecoveryReport report = log.recover((position, r) ->
                    recovered.add(new Recovered(position, ByteBufUtil.getBytes(r))));
            log.append(record(100, 10));
            return new Outcome(recovered.stream().map(Recovered::seq).toList(), report);
        }
    }

    private static List<Integer> allBut(final int... missing) {
        return IntStream.range(0, 30).filter(s -> IntStream.of(missing).noneMatch(m -> m == s)).boxed().toList();
    }

    @Test
    void shouldSkipARecordWithADamagedPayloadAndKeepTheRecordsAfterIt() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        final long damaged = positions.get(14);
        flipByte(segment(damaged), Position.offset(damaged) + 8 + 100);

        final Outcome outcome = recover();

        assertThat(outcome.seqs()).containsExactlyElementsOf(allBut(14));
        assertThat(outcome.report().hasCorruption()).isTrue();
        assertThat(outcome.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_RECORD);
            assertThat(p.file()).isEqualTo("queues/q/00000000000000000002.seg");
            assertThat(p.offset()).isEqualTo(Position.offset(damaged));
            assertThat(p.bytes()).isEqualTo(388);
            assertThat(p.detail()).contains("checksum mismatch");
        });
        assertThat(outcome.report().toString()).contains("00000000000000000002.seg", "recovered 29 records");
        // the damaged bytes stay in place: the next start reports them again and loses nothing more
        final Outcome again = recover();
        assertThat(again.seqs()).containsExactlyElementsOf(
                Stream.concat(allBut(14).stream(), Stream.of(100)).toList());
        assertThat(again.report().problems()).hasSize(1);
    }

    @Test
    void shouldResynchroniseAfterARecordWithADamagedLength() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        final long damaged = positions.get(12);
        flipByte(segment(damaged), Position.offset(damaged));

        final Outcome outcome = recover();

        assertThat(outcome.seqs()).containsExactlyElementsOf(allBut(12));
        assertThat(outcome.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_RECORD);
            assertThat(p.offset()).isEqualTo(Position.offset(damaged));
            assertThat(p.detail()).contains("resumed at offset " + Position.offset(positions.get(13)));
        });
    }

    @Test
    void shouldReportDamageAtTheEndOfAnOlderSegmentAsCorruptTail() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        final long lastOfFirstSegment = positions.get(9);
        flipByte(segment(lastOfFirstSegment), Position.offset(lastOfFirstSegment) + 20);

        final Outcome outcome = recover();

        assertThat(outcome.seqs()).containsExactlyElementsOf(allBut(9));
        assertThat(outcome.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_TAIL);
            assertThat(p.file()).endsWith("00000000000000000001.seg");
        });
    }

    @Test
    void shouldSetAsideASegmentWithAnUnreadableHeaderAndStartAnyway() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        flipByte(segment(positions.get(15)), 1);

        final Outcome outcome = recover();

        assertThat(outcome.seqs()).containsExactlyElementsOf(
                IntStream.range(0, 30).filter(s -> s < 10 || s >= 20).boxed().toList());
        assertThat(outcome.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.UNREADABLE_FILE);
            assertThat(p.detail()).contains("bad magic");
        });
        assertThat(dataDir.resolve("queues/q/00000000000000000002.seg.corrupt")).exists();
        assertThat(dataDir.resolve("queues/q/00000000000000000002.seg")).doesNotExist();
    }

    @Test
    void shouldDeliverAgainRecordsWhoseAckEntryIsDamaged() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        try (MessageStore store = MessageStore.open(dataDir, OPTIONS)) {
            final QueueLog log = store.openQueue("q");
            log.recover((p, r) -> { });
            log.ack(positions.get(0));
            log.ack(positions.get(1));
            log.ack(positions.get(2));
        }
        flipByte(dataDir.resolve("queues/q/00000000000000000001.acks"), 16 + 8 + 2);

        final Outcome outcome = recover();

        assertThat(outcome.seqs()).containsExactlyElementsOf(allBut(0, 2));
        assertThat(outcome.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_ACKS);
            assertThat(p.offset()).isEqualTo(24);
        });
    }

    @Test
    void shouldRefuseToReturnARecordDamagedAfterRecovery() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        try (MessageStore store = MessageStore.open(dataDir, OPTIONS)) {
            final QueueLog log = store.openQueue("q");
            log.recover((p, r) -> { });
            final long position = positions.get(5);
            flipByte(segment(position), Position.offset(position) + 8 + 7);
            assertThatThrownBy(() -> log.read(position)).isInstanceOf(StoreException.class)
                    .hasMessageContaining("checksum").hasMessageContaining("00000000000000000001.seg");
            assertThat(TestRecords.read(log, positions.get(6))).isEqualTo(TestRecords.bytes(6, 380));
        }
    }

    @Test
    void shouldSurviveGarbageInTheMiddleOfASegment() throws IOException {
        final List<Long> positions = writeThirtyRecords();
        final Path file = segment(positions.get(3));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(Position.offset(positions.get(3)) + 3);
            final byte[] garbage = new byte[700];
            new Random(7).nextBytes(garbage);
            raf.write(garbage);
        }
        final Outcome outcome = recover();
        assertThat(outcome.seqs()).containsExactlyElementsOf(allBut(3, 4));
        assertThat(outcome.report().problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.CORRUPT_RECORD));
        assertThat(Files.exists(file)).isTrue();
    }
}
