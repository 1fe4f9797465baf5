package io.warren.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM appends, acks and syncs as fast as it can and reports every confirmed append and
 * ack; the test kills it with SIGKILL at a random moment, several times over the same data folder,
 * and checks after each kill that every confirmed record is there exactly once, in order, intact,
 * and that no record whose ack was confirmed came back.
 */
class CrashTest {

    private static final int ROUNDS = 5;

    @TempDir
    Path tmp;

    private Path dataDir;

    /** Starts {@code StoreChild} in a fresh JVM with this test's class path. */
    static ProcessBuilder child(final String... args) {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-XX:TieredStopAtLevel=1");
        command.add("-XX:-UsePerfData");
        command.add("-Xshare:auto");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(StoreChild.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
    }

    @Test
    void shouldKeepEveryConfirmedRecordAcrossRepeatedKills() throws Exception {
        dataDir = tmp.resolve("data");
        final Random random = new Random();
        final Set<Integer> confirmed = new HashSet<>();
        final Set<Integer> ackIssued = new HashSet<>();
        final Set<Integer> ackConfirmed = new HashSet<>();
        int totalConfirmedLines = 0;
        for (int round = 0; round < ROUNDS; round++) {
            // The child's stdout goes to a file, read after its death: a pipe read concurrently
            // with the JDK's reaping of a killed process can lose the last lines.
            final Path output = dataDir.resolveSibling("child-" + round + ".out");
            final Process process = child("crash", dataDir.toString(), Integer.toString(round * 10_000_000))
                    .redirectOutput(output.toFile()).start();
            final long startDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.readString(output).contains("READY;")) {
                assertThat(process.isAlive()).as("child running").isTrue();
                assertThat(System.nanoTime()).as("child started in time").isLessThan(startDeadline);
                Thread.sleep(10);
            }
            Thread.sleep(150 + random.nextInt(600));
            process.destroyForcibly();
            process.waitFor();
            final List<String> lines = Files.readAllLines(output);

            for (final String line : lines) {
                // a line without its terminator was cut by the kill: not a confirmation
                if (!line.endsWith(";")) {
                    continue;
                }
                final String[] words = line.substring(0, line.length() - 1).split(" ");
                final Set<Integer> target = switch (words[0]) {
                    case "C" -> confirmed;
                    case "I" -> ackIssued;
                    case "A" -> ackConfirmed;
                    default -> null;
                };
                if (target == null) {
                    continue;
                }
                if (words[0].equals("C")) {
                    totalConfirmedLines++;
                }
                for (int i = 1; i < words.length; i++) {
                    target.add(Integer.parseInt(words[i]));
                }
            }
            final int recovered = verify(confirmed, ackIssued, ackConfirmed);
            System.out.printf("round %d: %d appends and %d acks confirmed so far, %d records recovered%n",
                    round, confirmed.size(), ackConfirmed.size(), recovered);
        }
        assertThat(totalConfirmedLines).as("the child confirmed something before being killed").isGreaterThan(ROUNDS);
    }

    private int verify(final Set<Integer> confirmed, final Set<Integer> ackIssued, final Set<Integer> ackConfirmed) {
        final List<Integer> seqs = new ArrayList<>();
        final List<String> damaged = new ArrayList<>();
        try (MessageStore store = MessageStore.open(dataDir, StoreChild.OPTIONS)) {
            final QueueLog log = store.openQueue(StoreChild.QUEUE);
            final RecoveryReport report = log.recover((position, record) -> {
                final byte[] bytes = StoreChild.bytes(record);
                seqs.add(StoreChild.seqOf(bytes));
                if (!StoreChild.intact(bytes)) {
                    damaged.add(Position.toString(position));
                }
            });
            assertThat(report.hasCorruption()).as("%s", report).isFalse();
        }
        assertThat(damaged).isEmpty();
        assertThat(seqs.size()).as("each record once").isEqualTo(new HashSet<>(seqs).size());
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("append order").isGreaterThan(seqs.get(i - 1));
        }
        final Set<Integer> present = new HashSet<>(seqs);
        // confirmed appends must be there unless an ack was issued for them (durable or not)
        final Set<Integer> missing = new HashSet<>(confirmed);
        missing.removeAll(ackIssued);
        missing.removeAll(present);
        assertThat(missing).as("confirmed, never acked, yet missing").isEmpty();
        final Set<Integer> resurrected = new HashSet<>(ackConfirmed);
        resurrected.retainAll(present);
        assertThat(resurrected).as("acked and synced, yet back").isEmpty();
        return seqs.size();
    }
}
