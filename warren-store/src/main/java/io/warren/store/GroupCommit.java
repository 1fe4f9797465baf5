package io.warren.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's one sync thread. Writers never fsync; they mark files dirty and ask for a sync with
 * a listener. The thread takes every request that has arrived, fsyncs each dirty file once, and
 * then completes all those requests together: while one round's fsyncs run, the next round's
 * requests pile up, so under load many appends share each fsync without any timer. When a round
 * has several dirty files (several queues), helper threads fsync a share of them in parallel:
 * the file system folds concurrent fsyncs into one journal commit.
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
    /** The requests of the round in progress; sync thread only. */
    private ArrayList<SyncListener> round = new ArrayList<>();
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
    /** Runs part of a round's fsyncs beside the sync thread; null when syncThreads is 1. */
    private final ExecutorService helpers;
    private final int parallelism;

    GroupCommit(final String threadName, final int syncThreads) {
        parallelism = syncThreads;
        helpers = syncThreads == 1 ? null : Executors.newFixedThreadPool(syncThreads - 1, runnable -> {
            final Thread helper = new Thread(runnable, threadName + "-helper");
            helper.setDaemon(true);
            return helper;
        });
        thread = new Thread(this::run, threadName);
        // A broker that forgets close() must still be able to exit; close() runs the final round.
        thread.setDaemon(true);
        thread.start();
    }

    /** Any thread. */
    void request(final SyncListener listener) {
        StoreException refused;
        lock.lock();
        try {
            refused = failure;
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
        if (helpers != null) {
            helpers.shutdown();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            runRounds();
        } catch (final RuntimeException | Error e) {
            // Never leave a listener waiting: fail everything queued now and everything asked later.
            failure = new StoreException("the store's sync thread stopped unexpectedly", e);
            LOG.error(failure.getMessage(), e);
            final ArrayList<SyncListener> orphans = new ArrayList<>(round);
            lock.lock();
            try {
                orphans.addAll(requested);
                requested = new ArrayList<>();
            } finally {
                lock.unlock();
            }
            orphans.forEach(listener -> notify(listener, failure));
        }
    }

    private void runRounds() {
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
        try {
            syncs += forceAll(drain(dirtyFiles));
            for (SyncedFile file = closing.poll(); file != null; file = closing.poll()) {
                syncs += force(file, true);
            }
            final List<Retired> deleted = new ArrayList<>();
            for (Retired r = retired.poll(); r != null; r = retired.poll()) {
                deleteQuietly(r.segment);
                r.dir.markDirty();
                deleted.add(r);
            }
            for (final SyncedFile dir : drain(dirtyDirs)) {
                syncs += force(dir, false);
            }
            for (final Retired r : deleted) {
                deleteQuietly(r.acks);
            }
        } catch (final IOException e) {
            if (failure == null) {
                failure = new StoreException("group commit failed, so the store refuses further writes until "
                        + "restarted", e);
                LOG.error(failure.getMessage(), e);
            }
        } finally {
            fileSyncs += syncs;
        }
        return failure;
    }

    /** fsyncs one file if dirty (and closes it if asked); returns 1 if it fsynced. Names the file on failure. */
    private static int force(final SyncedFile file, final boolean close) throws IOException {
        try {
            return (close ? file.close() : file.force()) ? 1 : 0;
        } catch (final IOException e) {
            throw new IOException("fsync of " + file + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * fsyncs the files, spread over the sync thread and the helpers when there are several.
     * Returns how many were fsynced; throws the first failure, naming the file.
     */
    private long forceAll(final List<SyncedFile> files) throws IOException {
        final int workers = helpers == null ? 1 : Math.min(parallelism, files.size());
        if (workers <= 1) {
            return forceShare(files, 0, 1);
        }
        final List<Future<Long>> shares = new ArrayList<>(workers - 1);
        for (int w = 1; w < workers; w++) {
            final int share = w;
            shares.add(helpers.submit(() -> forceShare(files, share, workers)));
        }
        IOException error = null;
        long syncs = 0;
        try {
            syncs += forceShare(files, 0, workers);
        } catch (final IOException e) {
            error = e;
        }
        for (final Future<Long> share : shares) {
            try {
                syncs += getUninterruptibly(share);
            } catch (final ExecutionException e) {
                if (error == null) {
                    error = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                }
            }
        }
        if (error != null) {
            throw error;
        }
        return syncs;
    }

    /** fsyncs every {@code stride}-th file starting at {@code first}. */
    private static long forceShare(final List<SyncedFile> files, final int first, final int stride)
            throws IOException {
        long syncs = 0;
        for (int i = first; i < files.size(); i += stride) {
            syncs += force(files.get(i), false);
        }
        return syncs;
    }

    private static <T> T getUninterruptibly(final Future<T> future) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (final InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
