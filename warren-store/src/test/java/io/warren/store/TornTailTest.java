package io.warren.store;

import static io.warren.store.TestRecords.record;
import static io.warren.store.TestRecords.recoverAll;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufUtil;
import io.warren.store.TestRecords.Recovered;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A crash during a write leaves part of the last record: recovery cuts it and the log goes on. */
class TornTailTest {

    private static final String SEGMENT = "00000000000000000001.seg";
    private static final int[] SIZES = {50, 70, 90, 200};

    @TempDir
    Path tmp;

    private byte[] segmentBytes;
    private int lastRecordOffset;

    @BeforeEach
    void writeFourRecords() throws IOException {
        final Path source = tmp.resolve("source");
        long last = 0;
        try (MessageStore store = MessageStore.open(source, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            for (int seq = 0; seq < SIZES.length; seq++) {
                last = log.append(record(seq, SIZES[seq]));
            }
        }
        segmentBytes = Files.readAllBytes(source.resolve("queues/q").resolve(SEGMENT));
        lastRecordOffset = Position.offset(last);
        assertThat(segmentBytes).hasSize(lastRecordOffset + 8 + SIZES[3]);
    }

    /** A data folder whose only segment holds {@code segment}. */
    private Path dataDirWith(final String name, final byte[] segment) throws IOException {
        final Path dataDir = tmp.resolve(name);
        Files.createDirectories(dataDir.resolve("queues/q"));
        Files.write(dataDir.resolve("queues/q").resolve(SEGMENT), segment);
        return dataDir;
    }

    @Test
    void shouldCutTheLastRecordAtEveryTornLengthAndAppendAfterIt() throws IOException {
        for (int cut = lastRecordOffset; cut < segmentBytes.length; cut++) {
            final Path dataDir = dataDirWith("cut-" + cut, Arrays.copyOf(segmentBytes, cut));
            try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
                final QueueLog log = store.openQueue("q");
                final List<Recovered> recovered = new ArrayList<>();
                final RecoveryReport report = log.recover((position, r) ->
                        recovered.add(new Recovered(position, ByteBufUtil.getBytes(r))));

                assertThat(recovered).as("cut at %d", cut).extracting(Recovered::seq).containsExactly(0, 1, 2);
                if (cut == lastRecordOffset) {
                    assertThat(report.problems()).as("cut at %d", cut).isEmpty();
                } else {
                    assertThat(report.problems()).as("cut at %d", cut).singleElement().satisfies(p -> {
                        assertThat(p.kind()).isEqualTo(RecoveryReport.Kind.TORN_TAIL);
                        assertThat(p.file()).isEqualTo("queues/q/" + SEGMENT);
                        assertThat(p.offset()).isEqualTo(lastRecordOffset);
                    });
                    assertThat(report.hasCorruption()).isFalse();
                }
                assertThat(Files.size(dataDir.resolve("queues/q").resolve(SEGMENT))).isEqualTo(lastRecordOffset);
                log.append(record(10, 30));
            }
            try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
                final QueueLog log = store.openQueue("q");
                assertThat(recoverAll(log)).as("cut at %d", cut).extracting(Recovered::seq).containsExactly(0, 1, 2, 10);
            }
        }
    }

    @Test
    void shouldTreatAZeroFilledTailAsTorn() throws IOException {
        final byte[] withZeros = Arrays.copyOf(segmentBytes, segmentBytes.length + 4096);
        final Path dataDir = dataDirWith("zeros", withZeros);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            final List<Recovered> recovered = new ArrayList<>();
            final RecoveryReport report = log.recover((position, r) ->
                    recovered.add(new Recovered(position, ByteBufUtil.getBytes(r))));
            assertThat(recovered).extracting(Recovered::seq).containsExactly(0, 1, 2, 3);
            assertThat(report.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(RecoveryReport.Kind.TORN_TAIL);
                assertThat(p.offset()).isEqualTo(segmentBytes.length);
                assertThat(p.bytes()).isEqualTo(4096);
            });
        }
    }

    @Test
    void shouldRemoveASegmentWhoseHeaderNeverReachedTheDisk() throws IOException {
        final Path dataDir = dataDirWith("empty", segmentBytes);
        Files.write(dataDir.resolve("queues/q/00000000000000000002.seg"), new byte[7]);
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            final RecoveryReport report = log.recover((position, r) -> { });
            assertThat(report.records()).isEqualTo(4);
            assertThat(report.problems()).singleElement()
                    .satisfies(p -> assertThat(p.kind()).isEqualTo(RecoveryReport.Kind.LEFTOVER_FILE));
            assertThat(dataDir.resolve("queues/q/00000000000000000002.seg")).doesNotExist();
            // numbers seen on disk are not reused, even those of removed files
            assertThat(Position.segment(log.append(record(9, 10)))).isEqualTo(3);
        }
    }

    @Test
    void shouldCutATornAckEntryAndKeepAckingAfterIt() throws IOException {
        final Path dataDir = dataDirWith("acks", segmentBytes);
        long first;
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            final List<Recovered> recovered = recoverAll(log);
            first = recovered.get(0).position();
            log.ack(first);
        }
        final Path acks = dataDir.resolve("queues/q/00000000000000000001.acks");
        final byte[] entries = Files.readAllBytes(acks);
        assertThat(entries).hasSize(16 + 8);
        Files.write(acks, Arrays.copyOf(entries, entries.length + 5));

        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue("q");
            final List<Recovered> recovered = new ArrayList<>();
            final RecoveryReport report = log.recover((position, r) ->
                    recovered.add(new Recovered(position, ByteBufUtil.getBytes(r))));
            assertThat(recovered).extracting(Recovered::seq).containsExactly(1, 2, 3);
            assertThat(report.problems()).singleElement().satisfies(p -> {
                assertThat(p.kind()).isEqualTo(RecoveryReport.Kind.TORN_TAIL);
                assertThat(p.file()).endsWith(".acks");
            });
            log.ack(recovered.get(0).position());
        }
        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            assertThat(recoverAll(store.openQueue("q"))).extracting(Recovered::seq).containsExactly(2, 3);
        }
    }
}
