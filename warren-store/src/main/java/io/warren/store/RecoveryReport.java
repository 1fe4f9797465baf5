package io.warren.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What recovery of one {@link QueueLog} or of the {@link MetadataLog} found. Recovery never refuses
 * to start: it keeps every record it can verify, and lists here (and logs, at WARN for damage and
 * INFO for the expected debris of a crash) every file and offset where it had to give something up.
 */
public final class RecoveryReport {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryReport.class);

    /** Kinds of problem, and whether each means the data was damaged (rather than cut by a crash). */
    public enum Kind {
        /**
         * Bytes after the last whole record of the newest file: a write cut short by the crash.
         * Truncated. Expected after a crash; only unconfirmed records can be lost this way.
         */
        TORN_TAIL(false),
        /** A file left by an interrupted operation (an empty new segment, an unfinished compaction); removed. */
        LEFTOVER_FILE(false),
        /**
         * A record that failed its checksum or had an impossible length, with valid records after it.
         * Skipped; reading resumed at the next valid record, so later records are kept.
         */
        CORRUPT_RECORD(true),
        /**
         * Unreadable bytes at the end of a segment that is not the newest: damage, or a machine
         * crash before those bytes were synced (then they were never confirmed). Truncated.
         */
        CORRUPT_TAIL(true),
        /**
         * A file whose header is unreadable or of an unknown version. Renamed to
         * {@code <name>.corrupt} for inspection; none of its records are recovered.
         */
        UNREADABLE_FILE(true),
        /** Ack entries that failed their checksum; skipped, so those records may be delivered again. */
        CORRUPT_ACKS(true);

        private final boolean corruption;

        Kind(final boolean corruption) {
            this.corruption = corruption;
        }

        public boolean isCorruption() {
            return corruption;
        }
    }

    /**
     * One problem.
     *
     * @param file   the file's path relative to the data directory, e.g. {@code queues/ab12/00000000000000000003.seg}
     * @param offset byte offset in that file where the problem starts
     * @param kind   what it is
     * @param bytes  how many bytes were skipped or cut
     * @param detail a sentence for humans: what was wrong and what recovery did
     */
    public record Problem(String file, long offset, Kind kind, long bytes, String detail) {
        @Override
        public String toString() {
            return kind + " in " + file + " at offset " + offset + " (" + bytes + " bytes): " + detail;
        }
    }

    private final String source;
    private final List<Problem> problems = new ArrayList<>();
    private int files;
    private long records;
    private long ackedRecords;

    RecoveryReport(final String source) {
        this.source = source;
    }

    /** {@code "queue <id>"} or {@code "metadata"}. */
    public String source() {
        return source;
    }

    /** Segment (or log) files read. */
    public int files() {
        return files;
    }

    /** Records recovered: handed to the visitor (queue) or consumer (metadata). */
    public long records() {
        return records;
    }

    /** Valid records that were skipped because they had been acked. */
    public long ackedRecords() {
        return ackedRecords;
    }

    public List<Problem> problems() {
        return Collections.unmodifiableList(problems);
    }

    /** Whether any problem means damaged data (as opposed to the usual remains of a crash). */
    public boolean hasCorruption() {
        return problems.stream().anyMatch(p -> p.kind().isCorruption());
    }

    void fileRead() {
        files++;
    }

    void recordRecovered() {
        records++;
    }

    void recordSkippedAsAcked() {
        ackedRecords++;
    }

    void problem(final String file, final long offset, final Kind kind, final long bytes, final String detail) {
        final Problem problem = new Problem(file, offset, kind, bytes, detail);
        problems.add(problem);
        if (kind.isCorruption()) {
            LOG.warn("{}: {}", source, problem);
        } else {
            LOG.info("{}: {}", source, problem);
        }
    }

    /** Logs the summary line: at WARN if anything was damaged, else at DEBUG. */
    void logSummary() {
        if (hasCorruption()) {
            LOG.warn("{}", this);
        } else {
            LOG.debug("{}", this);
        }
    }

    @Override
    public String toString() {
        final StringBuilder text = new StringBuilder(source).append(": recovered ").append(records)
                .append(" records from ").append(files).append(" files (").append(ackedRecords)
                .append(" acked records skipped)");
        if (problems.isEmpty()) {
            return text.append(", clean").toString();
        }
        text.append("; ").append(problems.size()).append(problems.size() == 1 ? " problem: " : " problems: ");
        for (int i = 0; i < problems.size(); i++) {
            text.append(i == 0 ? "" : "; ").append(problems.get(i));
        }
        return text.toString();
    }
}
