package io.warren.store;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Warren's on-disk store: one {@link QueueLog} per durable queue, the {@link MetadataLog}, and the
 * group commit that makes both queue appends and acks durable. Opaque bytes and string ids only.
 * See the package documentation for the data layout and the write, sync, ack and delete policy.
 *
 * <p><b>Threading:</b> {@link #sync}, {@link #syncAsync}, {@link #usableSpace}, {@link #bytesWritten},
 * {@link #watchWrites}, {@link #stats},
 * {@link #queueIds}, {@link #openQueue} and {@link #metadata} may be called from any thread.
 * {@link #deleteQueue} from the thread owning that queue's log (or when it is not open).
 * {@link #close} once, after the broker stopped using the store.
 */
public final class MessageStore implements AutoCloseable {

    /** Filesystem-safe, no leading dot (those names are the store's own), at most 200 characters. */
    private static final Pattern QUEUE_ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}");

    private final DataDirectory directory;
    private final StoreOptions options;
    private final GroupCommit commit;
    private final SyncedFile queuesDirSync;
    private final MetadataLog metadata;
    private final FileStore fileStore;
    private final ConcurrentHashMap<String, QueueLog> openLogs = new ConcurrentHashMap<>();
    private final WriteMeter written = new WriteMeter();
    private volatile boolean closed;

    private MessageStore(final DataDirectory directory, final StoreOptions options, final GroupCommit commit,
                         final MetadataLog metadata, final FileStore fileStore) {
        this.directory = directory;
        this.options = options;
        this.commit = commit;
        this.queuesDirSync = SyncedFile.directory(directory.queues, commit);
        this.metadata = metadata;
        this.fileStore = fileStore;
    }

    /**
     * Opens the data folder, creating it (with its {@code FORMAT_VERSION} file) if needed, and
     * locks it against a second store. Queue logs are not read here: see {@link #openQueue}.
     *
     * @throws StoreException if the folder cannot be created or locked, or has an unknown format version
     */
    public static MessageStore open(final Path dataDir, final StoreOptions options) {
        final DataDirectory directory = DataDirectory.open(dataDir);
        GroupCommit commit = null;
        try {
            final FileStore fileStore = Files.getFileStore(directory.root);
            final MetadataLog metadata = new MetadataLog(directory.meta, options.maxRecordSize());
            commit = new GroupCommit("warren-store-sync", options.syncThreads());
            return new MessageStore(directory, options, commit, metadata, fileStore);
        } catch (final IOException e) {
            directory.close();
            throw new StoreException("could not open the message store in " + dataDir, e);
        } catch (final RuntimeException e) {
            if (commit != null) {
                commit.close();
            }
            directory.close();
            throw e;
        }
    }

    /** The data folder (absolute). */
    public Path dataDir() {
        return directory.root;
    }

    public StoreOptions options() {
        return options;
    }

    /** The metadata log; call its {@link MetadataLog#recover} before appending to it. */
    public MetadataLog metadata() {
        return metadata;
    }

    /**
     * Opens the log of queue {@code queueId}, creating its folder if it does not exist. If the
     * folder holds data, call {@link QueueLog#recover} before anything else.
     *
     * @param queueId a filesystem-safe id chosen by the broker (e.g. a hex hash of vhost and name):
     *                letters, digits, '.', '_' and '-', not starting with '.', at most 200 characters
     * @throws IllegalStateException if the queue's log is already open
     */
    public QueueLog openQueue(final String queueId) {
        checkId(queueId);
        ensureOpen();
        final Path dir = directory.queues.resolve(queueId);
        final boolean[] opened = {false};
        final QueueLog log = openLogs.computeIfAbsent(queueId, id -> {
            opened[0] = true;
            try {
                final boolean existed = Files.isDirectory(dir);
                if (!existed) {
                    Files.createDirectories(dir);
                    queuesDirSync.markDirty();
                }
                return new QueueLog(this, id, dir, existed && hasFiles(dir));
            } catch (final IOException e) {
                throw new StoreException("could not open the folder of queue " + id, e);
            }
        });
        if (!opened[0]) {
            throw new IllegalStateException("the log of queue " + queueId + " is already open");
        }
        return log;
    }

    /**
     * Deletes queue {@code queueId}'s files, closing its log first if open (without fsync: the
     * content no longer matters). The folder is renamed away before its files are removed, so a
     * crash never leaves half a queue; the deletion is durable after the next sync completes.
     * Call it from the thread owning the queue's log, or when the log is not open.
     */
    public void deleteQueue(final String queueId) {
        checkId(queueId);
        ensureOpen();
        final QueueLog log = openLogs.get(queueId);
        if (log != null) {
            log.discard();
        }
        final Path dir = directory.queues.resolve(queueId);
        if (!Files.exists(dir)) {
            return;
        }
        final Path doomed = directory.queues.resolve(DataDirectory.DELETING_PREFIX + queueId + "-" + System.nanoTime());
        try {
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE);
            queuesDirSync.markDirty();
            DataDirectory.deleteTree(doomed);
        } catch (final IOException e) {
            throw new StoreException("could not delete the files of queue " + queueId, e);
        }
    }

    /** Ids of the queues that have a folder on disk (whether open or not), sorted. */
    public Set<String> queueIds() {
        ensureOpen();
        final Set<String> ids = new TreeSet<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory.queues)) {
            for (final Path entry : entries) {
                final String name = entry.getFileName().toString();
                if (Files.isDirectory(entry) && QUEUE_ID.matcher(name).matches()) {
                    ids.add(name);
                }
            }
        } catch (final IOException e) {
            throw new StoreException("could not list " + directory.queues, e);
        }
        return ids;
    }

    /**
     * Asks for everything appended or acked so far, in any queue, to be made durable. Returns at
     * once; {@code listener} runs when the group commit round that took this request has fsynced
     * every dirty file (normally on the sync thread: hop back to your own thread in it).
     * Any thread. Never blocks on I/O.
     */
    public void sync(final SyncListener listener) {
        commit.request(listener);
    }

    /** {@link #sync(SyncListener)} as a future; completes exceptionally with the {@link StoreException}. */
    public CompletableFuture<Void> syncAsync() {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        commit.request(failure -> {
            if (failure == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(failure);
            }
        });
        return done;
    }

    /** Bytes available to this process on the data folder's file system (one statvfs call). */
    public long usableSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (final IOException e) {
            throw new StoreException("could not read the free space of " + directory.root, e);
        }
    }

    /** Size of the data folder's file system in bytes. */
    public long totalSpace() {
        try {
            return fileStore.getTotalSpace();
        } catch (final IOException e) {
            throw new StoreException("could not read the size of the file system of " + directory.root, e);
        }
    }

    /** Bytes the queue logs have written since the store opened (records, segment headers, ack entries). */
    public long bytesWritten() {
        return written.total();
    }

    /**
     * Runs {@code onWritten} once, on the thread that writes them, when the queue logs have written
     * {@code budget} more bytes than now; at once if {@code budget} is zero or less. A new call
     * replaces a watch that has not fired. The disk alarm sets it to the space it has left before
     * its limit, so it learns of the store's own writes as soon as they use that space up. Keep
     * {@code onWritten} short: it runs inside an append.
     */
    public void watchWrites(final long budget, final Runnable onWritten) {
        written.watch(budget, onWritten);
    }

    /** Group commit counters. */
    public StoreStats stats() {
        return commit.stats();
    }

    /**
     * Closes every open queue log and the metadata log, runs a last sync round (everything
     * appended and acked becomes durable), stops the sync thread and unlocks the folder.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (final QueueLog log : openLogs.values()) {
            log.close();
        }
        try {
            metadata.sync();
            metadata.close();
        } finally {
            commit.close();
            directory.close();
        }
    }

    GroupCommit groupCommit() {
        return commit;
    }

    WriteMeter writeMeter() {
        return written;
    }

    void onClosed(final QueueLog log) {
        openLogs.remove(log.id(), log);
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the message store is closed");
        }
    }

    private static void checkId(final String queueId) {
        if (queueId == null || !QUEUE_ID.matcher(queueId).matches()) {
            throw new IllegalArgumentException("queue id must be 1 to 200 letters, digits, '.', '_' or '-' and "
                    + "not start with '.': " + queueId);
        }
    }

    private static boolean hasFiles(final Path dir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            return entries.iterator().hasNext();
        }
    }
}
