package io.warren.store;

import static io.warren.store.TestRecords.bytes;
import static io.warren.store.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.warren.store.RecoveryReport.Kind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataLogTest {

    @TempDir
    Path tmp;

    private record Replay(List<Integer> seqs, RecoveryReport report) {
    }

    private static Replay replay(final Path dataDir) {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final List<Integer> seqs = new ArrayList<>();
            final RecoveryReport report = store.metadata().recover(r -> seqs.add(r.getInt(r.readerIndex())));
            return new Replay(seqs, report);
        }
    }

    private static void append(final Path dataDir, final int from, final int to) {
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final MetadataLog log = store.metadata();
            log.recover(r -> { });
            for (int seq = from; seq < to; seq++) {
                log.append(record(seq, 10 + seq));
            }
            log.sync();
        }
    }

    private static Path logFile(final Path dataDir) {
        return dataDir.resolve("meta/metadata.log");
    }

    @Test
    void shouldReplayRecordsInAppendOrderAcrossRestarts() {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 5);
        append(dataDir, 5, 8);

        final Replay replay = replay(dataDir);

        assertThat(replay.seqs()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        assertThat(replay.report().problems()).isEmpty();
        assertThat(replay.report().records()).isEqualTo(8);
    }

    @Test
    void shouldHandOverTheRecordBytesUnchanged() {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 3);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final List<byte[]> records = new ArrayList<>();
            store.metadata().recover(r -> records.add(ByteBufUtil.getBytes(r)));
            assertThat(records).containsExactly(bytes(0, 10), bytes(1, 11), bytes(2, 12));
            assertThat(store.metadata().recordCount()).isEqualTo(3);
        }
    }

    @Test
    void shouldCutATornLastRecordAtEveryLength() throws IOException {
        final Path source = tmp.resolve("source");
        append(source, 0, 3);
        final byte[] full = Files.readAllBytes(logFile(source));
        final int lastStart = full.length - (8 + 12);

        for (int cut = lastStart; cut < full.length; cut++) {
            final Path dataDir = tmp.resolve("cut-" + cut);
            Files.createDirectories(dataDir.resolve("meta"));
            Files.write(logFile(dataDir), Arrays.copyOf(full, cut));

            final Replay replay = replay(dataDir);
            assertThat(replay.seqs()).as("cut at %d", cut).containsExactly(0, 1);
            assertThat(replay.report().problems()).as("cut at %d", cut).hasSize(cut == lastStart ? 0 : 1)
                    .allSatisfy(p -> assertThat(p.kind()).isEqualTo(Kind.TORN_TAIL));

            append(dataDir, 7, 8);
            assertThat(replay(dataDir).seqs()).as("cut at %d", cut).containsExactly(0, 1, 7);
        }
    }

    @Test
    void shouldSkipADamagedRecordInTheMiddle() throws IOException {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 5);
        try (RandomAccessFile raf = new RandomAccessFile(logFile(dataDir).toFile(), "rw")) {
            final long third = 16 + (8 + 10) + (8 + 11);
            raf.seek(third + 9);
            raf.write(0x7f);
        }
        final Replay replay = replay(dataDir);
        assertThat(replay.seqs()).containsExactly(0, 1, 3, 4);
        assertThat(replay.report().problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.CORRUPT_RECORD);
            assertThat(p.file()).isEqualTo("meta/metadata.log");
        });
    }

    @Test
    void shouldKeepOnlyTheLiveRecordsAfterARewrite() {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 10);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final MetadataLog log = store.metadata();
            final List<ByteBuf> live = new ArrayList<>();
            log.recover(r -> {
                if (r.getInt(r.readerIndex()) % 2 == 0) {
                    live.add(Unpooled.copiedBuffer(r));
                }
            });
            final long before = log.sizeBytes();
            log.rewrite(live);
            assertThat(log.sizeBytes()).isLessThan(before);
            assertThat(log.recordCount()).isEqualTo(5);
            log.append(record(42, 10));
            log.sync();
        }
        assertThat(replay(dataDir).seqs()).containsExactly(0, 2, 4, 6, 8, 42);
        assertThat(dataDir.resolve("meta/metadata.log.new")).doesNotExist();
    }

    @Test
    void shouldIgnoreAnUnfinishedCompactionLeftByACrash() throws IOException {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 4);
        // a crash before the rename: a complete-looking new log, and one cut in the middle
        final byte[] compacted = Files.readAllBytes(logFile(dataDir));
        Files.write(dataDir.resolve("meta/metadata.log.new"), Arrays.copyOf(compacted, 40));

        final Replay replay = replay(dataDir);

        assertThat(replay.seqs()).containsExactly(0, 1, 2, 3);
        assertThat(replay.report().problems()).singleElement()
                .satisfies(p -> assertThat(p.kind()).isEqualTo(Kind.LEFTOVER_FILE));
        assertThat(dataDir.resolve("meta/metadata.log.new")).doesNotExist();
        assertThat(replay(dataDir).report().problems()).isEmpty();
    }

    @Test
    void shouldRequireRecoverBeforeAppendingToALogWithData() {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 1);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            assertThatThrownBy(() -> store.metadata().append(record(1, 10)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("recover()");
        }
    }

    @Test
    void shouldStartAnEmptyLogWhenTheHeaderIsUnreadable() throws IOException {
        final Path dataDir = tmp.resolve("data");
        append(dataDir, 0, 3);
        try (RandomAccessFile raf = new RandomAccessFile(logFile(dataDir).toFile(), "rw")) {
            raf.write(ByteBuffer.allocate(4).putInt(0x12345678).array());
        }
        final Replay replay = replay(dataDir);
        assertThat(replay.seqs()).isEmpty();
        assertThat(replay.report().hasCorruption()).isTrue();
        try (var files = Files.list(dataDir.resolve("meta"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("metadata.log.corrupt-"));
        }
        append(dataDir, 5, 6);
        assertThat(replay(dataDir).seqs()).containsExactly(5);
    }
}
