package io.warren.store;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Counts the bytes the queue logs write, and tells a watcher once a given number more have been
 * written. The broker's disk alarm measures free space with statvfs now and then; between two
 * measurements only this count knows how fast the store is eating into what was left, so the
 * alarm can look again the moment its margin is used up instead of at its next tick.
 *
 * <p>Any thread. The cost per write is one atomic add and one volatile read.
 */
final class WriteMeter {

    private final AtomicLong written = new AtomicLong();
    /** Fires the watcher when {@link #written} reaches it; {@code Long.MAX_VALUE} before the first watch. */
    private volatile long threshold = Long.MAX_VALUE;
    private final AtomicReference<Runnable> watcher = new AtomicReference<>();

    /** The writing thread, after a successful write. Runs the watcher if this write reached its threshold. */
    void add(final long bytes) {
        if (written.addAndGet(bytes) >= threshold) {
            fire();
        }
    }

    long total() {
        return written.get();
    }

    /**
     * Calls {@code onReached} once, on the writing thread, when {@code budget} more bytes have been
     * written than now (at once if budget is zero or less). Replaces any watch not yet fired.
     */
    void watch(final long budget, final Runnable onReached) {
        watcher.set(onReached);
        threshold = budget <= 0 ? Long.MIN_VALUE : saturatedAdd(written.get(), budget);
        if (written.get() >= threshold) {
            fire();
        }
    }

    /** Past the threshold every write comes here until the next watch; only the first runs the watcher. */
    private void fire() {
        final Runnable reached = watcher.get() == null ? null : watcher.getAndSet(null);
        if (reached != null) {
            reached.run();
        }
    }

    private static long saturatedAdd(final long a, final long b) {
        final long sum = a + b;
        return sum < a ? Long.MAX_VALUE : sum;
    }
}
