package io.warren.store;

/**
 * Told when a sync requested with {@link MessageStore#sync(SyncListener)} has finished.
 *
 * <p>Runs on the store's sync thread (or, when the store has failed or is closed, on the thread
 * that asked). Keep it short and hand the work to your own thread: the next group commit round
 * waits for every listener of this one.
 */
@FunctionalInterface
public interface SyncListener {

    /**
     * @param failure {@code null} when every append and ack made before the request is on disk;
     *                otherwise why that cannot be promised (the store then refuses further writes)
     */
    void onSyncComplete(StoreException failure);
}
