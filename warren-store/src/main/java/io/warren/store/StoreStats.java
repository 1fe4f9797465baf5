package io.warren.store;

/**
 * Counters of the group commit, for metrics and tests. Under load {@code syncRounds} and
 * {@code fileSyncs} grow much more slowly than {@code syncRequests}: that ratio is the batching.
 *
 * @param syncRequests calls to {@link MessageStore#sync(SyncListener)} accepted so far
 * @param syncRounds   group commit rounds completed (each completes every request taken at its start)
 * @param fileSyncs    fdatasync/fsync calls made on segment files, ack files and directories
 */
public record StoreStats(long syncRequests, long syncRounds, long fileSyncs) {
}
