package io.warren.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one sync thread. Writers never fsync; they mark files dirty and ask for a sync with
 * a listener. The thread takes every request that has arrived, fsyncs each dirty file once, and
 * then completes all those requests together: while one round's fsyncs run, the next round's
 * requests pile up, so under load many appends share each fsync without any timer.
 *
 * <p>A round, in order:
 * <ol>
 *   <li>take the pending requests (only these are completed by this round);</li>
 *   <li>fsync every dirty file (segments and ack files);</li>
 *   <li>fsync and close the files owners have handed over ({@link SyncedFile#closeAfterSync});</li>
 *   <li>unlink the segment files of retired (fully acked) segments;</li>
 *   <li>fsync every dirty directory, which makes new segment files and those unlinks durable;</li>
 *   <li>unlink the retired segments' ack files (an ack file left without its segment is removed
 *       at recovery, so this needs no fsync of its own);</li>
 *   <li>run the listeners, on this thread.</li>
 * </ol>
 *
 * <p>Why requests taken in step 1 are covered: the caller's appends and acks wrote their bytes
 * and set their file's dirty flag before the request was made, and a dirty file is in the queue
 * drained in step 2 unless a previous round already cleared its flag and fsynced it; see
 * {@link SyncedFile}.
 *
 * <p>A failed fsync is not retried: after one, the kernel may have dropped the unwritten pages
 * and a second fsync can succeed without them. The store is marked failed instead: that round's
 * listeners and every later one get the error, and appends throw, until the broker restarts and
 * recovery reads back what really is on disk.
 */
final class GroupCommit implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);

    private record Retired(Path segment, Path acks, SyncedFile dir) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition workArrived = lock.newCondition();
    /** Guarded by lock. */
    private ArrayList<SyncListener> requested = new ArrayList<>();
    /** Guarded by lock. */
    private boolean backgroundWork;
    /** Guarded by lock. */
    private boolean stopping;
    /** Guarded by lock. */
    private long syncRequests;

    private final ConcurrentLinkedQueue<SyncedFile> dirtyFiles = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SyncedFile> dirtyDirs = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<SyncedFile> closing = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Retired> retired = new ConcurrentLinkedQueue<>();

    private volatile StoreException failure;
    /** Written by the sync thread only. */
    private volatile long syncRounds;
    /** Written by the sync thread only. */
    private volatile long fileSyncs;

    private final Thread thread;

    GroupCommit(final String threadName) {
        thread = new Thread(this::run, threadName);
        // A broker that forgets close() must still be able to exit; close() runs the final round.
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread. */
    void request(final SyncListener listener) {
        StoreException refused = failure;
        lock.lock();
        try {
            if (refused == null && stopping) {
                refused = new StoreException("the message store is closed", null);
            }
            if (refused == null) {
                syncRequests++;
                requested.add(listener);
                if (requested.size() == 1) {
                    workArrived.signal();
                }
            }
        } finally {
            lock.unlock();
        }
        if (refused != null) {
            notify(listener, refused);
        }
    }

    void enqueueDirty(final SyncedFile file) {
        (file.isDirectory() ? dirtyDirs : dirtyFiles).add(file);
    }

    void enqueueClose(final SyncedFile file) {
        closing.add(file);
        wakeForBackgroundWork();
    }

    /** Owner of a fully acked segment: its files are deleted by the next round. */
    void enqueueRetired(final Path segment, final Path acks, final SyncedFile dir) {
        retired.add(new Retired(segment, acks, dir));
        wakeForBackgroundWork();
    }

    StoreException failure() {
        return failure;
    }

    StoreStats stats() {
        final long requests;
        lock.lock();
        try {
            requests = syncRequests;
        } finally {
            lock.unlock();
        }
        return new StoreStats(requests, syncRounds, fileSyncs);
    }

    private void wakeForBackgroundWork() {
        lock.lock();
        try {
            backgroundWork = true;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Runs a last round for everything pending, then stops the thread. */
    @Override
    public void close() {
        lock.lock();
        try {
            stopping = true;
            workArrived.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (final InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        ArrayList<SyncListener> round = new ArrayList<>();
        while (true) {
            final boolean last;
            lock.lock();
            try {
                while (requested.isEmpty() && !backgroundWork && !stopping) {
                    workArrived.awaitUninterruptibly();
                }
                final ArrayList<SyncListener> taken = requested;
                requested = round;
                round = taken;
                backgroundWork = false;
                last = stopping;
            } finally {
                lock.unlock();
            }
            final StoreException error = syncAll();
            for (int i = 0; i < round.size(); i++) {
                notify(round.get(i), error);
            }
            round.clear();
            syncRounds++;
            if (last) {
                return;
            }
        }
    }

    /** Steps 2 to 6; returns the store's failure, if any. */
    private StoreException syncAll() {
        if (failure != null) {
            closeAfterFailure();
            return failure;
        }
        long syncs = 0;
        SyncedFile current = null;
        try {
            final List<SyncedFile> files = drain(dirtyFiles);
            for (final SyncedFile file : files) {
                current = file;
                if (file.force()) {
                    syncs++;
                }
            }
            for (SyncedFile file = closing.poll(); file != null; file = closing.poll()) {
                current = file;
                if (file.close()) {
                    syncs++;
                }
            }
            final List<Retired> deleted = new ArrayList<>();
            for (Retired r = retired.poll(); r != null; r = retired.poll()) {
                deleteQuietly(r.segment);
                r.dir.markDirty();
                deleted.add(r);
            }
            for (final SyncedFile dir : drain(dirtyDirs)) {
                current = dir;
                if (dir.force()) {
                    syncs++;
                }
            }
            for (final Retired r : deleted) {
                deleteQuietly(r.acks);
            }
        } catch (final IOException e) {
            if (failure == null) {
                failure = new StoreException("fsync of " + current + " failed; the store can no longer promise "
                        + "durability and refuses further writes until restarted", e);
                LOG.error(failure.getMessage(), e);
            }
        } finally {
            fileSyncs += syncs;
        }
        return failure;
    }

    /** Once failed, files handed over are still closed (without fsync) so descriptors do not leak. */
    private void closeAfterFailure() {
        drain(dirtyFiles);
        drain(dirtyDirs);
        for (SyncedFile file = closing.poll(); file != null; file = closing.poll()) {
            file.closeWithoutSync();
        }
        for (Retired r = retired.poll(); r != null; r = retired.poll()) {
            deleteQuietly(r.segment);
            deleteQuietly(r.acks);
        }
    }

    /**
     * Takes what is queued now. Terminates even while writers keep marking files dirty: a file
     * enters the queue only when its flag goes from clear to set, and flags are cleared after this.
     */
    private static List<SyncedFile> drain(final ConcurrentLinkedQueue<SyncedFile> queue) {
        final List<SyncedFile> files = new ArrayList<>();
        for (SyncedFile file = queue.poll(); file != null; file = queue.poll()) {
            files.add(file);
        }
        return files;
    }

    private static void deleteQuietly(final Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (final IOException e) {
            LOG.warn("could not delete {}: {}", path, e.toString());
        }
    }

    private static void notify(final SyncListener listener, final StoreException error) {
        try {
            listener.onSyncComplete(error);
        } catch (final RuntimeException | Error e) {
            LOG.warn("sync listener {} threw", listener, e);
        }
    }
}
