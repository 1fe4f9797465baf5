package io.warren.store;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A file (or directory) that the {@link GroupCommit} thread fsyncs when it is dirty.
 *
 * <p>Ownership: the writing thread writes through {@link #channel()} and then calls
 * {@link #markDirty()}; only the sync thread calls {@link #force()} and {@link #closeAfterSync()}.
 * The dirty flag is the hand-off: it is set after the write, and the sync thread clears it
 * <em>before</em> fsyncing, so a write that lands after the clear sets it again and is picked
 * up by the next round, and a write that landed before it is covered by this round's fsync.
 * While the flag is set the file sits exactly once in the sync thread's dirty queue.
 */
final class SyncedFile {

    private final Path path;
    private final FileChannel channel;
    private final boolean directory;
    private final GroupCommit commit;
    private final AtomicBoolean dirty = new AtomicBoolean();
    /** Set by the owner before handing the file over to be closed: its content no longer matters. */
    private volatile boolean discard;
    /** Sync thread only. */
    private boolean closed;

    private SyncedFile(final Path path, final FileChannel channel, final boolean directory, final GroupCommit commit) {
        this.path = path;
        this.channel = channel;
        this.directory = directory;
        this.commit = commit;
    }

    static SyncedFile file(final Path path, final FileChannel channel, final GroupCommit commit) {
        return new SyncedFile(path, channel, false, commit);
    }

    /** A directory whose entries (created, renamed, deleted files) must reach the disk. */
    static SyncedFile directory(final Path path, final GroupCommit commit) {
        return new SyncedFile(path, null, true, commit);
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    boolean isDirectory() {
        return directory;
    }

    /** Called by the writer after each write (cheap when already dirty: one volatile read). */
    void markDirty() {
        if (!dirty.get() && dirty.compareAndSet(false, true)) {
            commit.enqueueDirty(this);
        }
    }

    /**
     * Owner: hands the file to the sync thread, which fsyncs it if dirty (unless discarded) and
     * closes it. The owner must not touch the channel afterwards.
     */
    void closeAfterSync(final boolean discardContent) {
        if (discardContent) {
            discard = true;
            dirty.set(false);
        }
        commit.enqueueClose(this);
    }

    /** Sync thread (or one of its helpers): fsyncs if the file was dirty; returns whether it did. */
    boolean force() throws IOException {
        if (!dirty.getAndSet(false) || closed || discard) {
            return false;
        }
        if (directory) {
            return forceDirectory(path);
        }
        try {
            channel.force(false);
        } catch (final ClosedChannelException closedUnderUs) {
            // An interrupt of the writing thread closes a FileChannel. Its bytes are still in the
            // page cache, and fsync through any descriptor of the file flushes them.
            try (FileChannel again = FileChannel.open(path, StandardOpenOption.WRITE)) {
                again.force(false);
            }
        }
        return true;
    }

    /** Sync thread, after the store failed: release the descriptor, no fsync. */
    void closeWithoutSync() {
        closed = true;
        if (channel != null) {
            try {
                channel.close();
            } catch (final IOException ignored) {
                // nothing more to lose
            }
        }
    }

    /** Sync thread: final fsync (unless discarded), then close. */
    boolean close() throws IOException {
        if (closed) {
            return false;
        }
        try {
            return force();
        } finally {
            closed = true;
            if (channel != null) {
                channel.close();
            }
        }
    }

    /** fsync on a directory makes its entries durable (Linux, macOS); a deleted directory needs none. */
    static boolean forceDirectory(final Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
            return true;
        } catch (final NoSuchFileException deleted) {
            return false;
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
