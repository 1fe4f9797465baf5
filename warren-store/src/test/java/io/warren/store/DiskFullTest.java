package io.warren.store;

import static io.warren.store.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.warren.store.TestRecords.Recovered;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs out of space for real: the child JVM runs under {@code ulimit -f} (a file size limit), so
 * a segment write fails part-way with EFBIG, as it would with ENOSPC on a full disk.
 */
@EnabledOnOs(OS.LINUX)
class DiskFullTest {

    @TempDir
    Path tmp;

    @Test
    void shouldFailAppendsCleanlyAndLeaveALogThatRecoversEveryAppendedRecord() throws Exception {
        final Path dataDir = tmp.resolve("data");
        final ProcessBuilder child = CrashTest.child("fill", dataDir.toString());
        final String command = String.join(" ", child.command().stream().map(DiskFullTest::quote).toList());
        // 200 KiB per file: well below the 1 MiB segment, so the failure comes mid-record
        final Path output = tmp.resolve("child.out");
        final Process process = new ProcessBuilder("bash", "-c", "ulimit -f 200 && exec " + command)
                .redirectError(ProcessBuilder.Redirect.DISCARD).redirectOutput(output.toFile()).start();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        final List<String> lines = Files.readAllLines(output).stream().filter(l -> l.endsWith(";")).toList();

        assertThat(lines).hasSize(4);
        final int appended = Integer.parseInt(lines.get(0).replaceAll("[^0-9]", ""));
        assertThat(appended).isBetween(190, 210);
        assertThat(lines.subList(1, 4)).containsExactly("FULL true;", "AGAIN true;", "CLOSED;");

        try (MessageStore store = MessageStore.open(dataDir, StoreOptions.defaults())) {
            final QueueLog log = store.openQueue(StoreChild.QUEUE);
            final List<Recovered> recovered = TestRecords.recoverAll(log);
            assertThat(recovered).extracting(Recovered::seq)
                    .containsExactlyElementsOf(IntStream.range(0, appended).boxed().toList());
            assertThat(recovered).allSatisfy(r -> assertThat(StoreChild.intact(r.bytes())).isTrue());
            log.append(record(appended, 1000));
        }
    }

    private static String quote(final String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

}
