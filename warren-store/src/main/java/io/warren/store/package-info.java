/**
 * Warren's message store: where durable queues keep their messages and the broker keeps its
 * definitions. It stores opaque byte records under string ids and knows nothing of AMQP.
 *
 * <h2>Data layout</h2>
 * <pre>
 * data/
 *   FORMAT_VERSION                        "1"; a different number is refused with a clear error
 *   LOCK                                  locked while a store has the folder open
 *   meta/metadata.log                     {@link io.warren.store.MetadataLog}: header + records
 *   meta/metadata.log.new                 only during a compaction (deleted if found at start)
 *   queues/&lt;queue-id&gt;/                    one folder per durable queue ({@link io.warren.store.QueueLog})
 *     00000000000000000001.seg            segment: 16-byte header, then records back to back
 *     00000000000000000001.acks           acks of that segment: 16-byte header, 8-byte entries
 *     00000000000000000002.seg            ...numbered so that `ls` lists them in append order
 *   queues/.deleting-&lt;queue-id&gt;-&lt;n&gt;       a queue being deleted (finished at start if a crash interrupted it)
 * </pre>
 * Byte layouts: {@code FileHeader} (magic, format version, segment number), {@code RecordDescriptor}
 * (length, CRC32C of length and payload, payload) and {@code AckDescriptor} (record offset, CRC32C).
 * A record's {@link io.warren.store.Position} is its segment number and byte offset, in one long.
 * Each queue writes its own segments (as LavinMQ does); a message routed to several durable
 * queues is written once per queue, which keeps every queue's files independent: a queue's
 * space is freed by deleting its own files, with no reference counting across queues.
 *
 * <h2>Write policy</h2>
 * An append is one gathering {@code write} (header + payload) to the queue's active segment, made
 * on the owning thread; it never waits for the disk. When the next record would take the segment
 * past {@link io.warren.store.StoreOptions#segmentSize()} a new segment is started (a larger
 * record gets a segment of its own). After a restart the first append always starts a new segment:
 * recovered segments are never written again, so an ack written for a record that the crash then
 * cut off can never match a later record at the same offset. A failed write (disk full) is cut off
 * again before the exception reaches the caller; the log stays consistent and usable.
 *
 * <h2>Sync policy: group commit</h2>
 * Writers only mark files dirty. {@link io.warren.store.MessageStore#sync} queues a listener and
 * returns; one sync thread ({@code warren-store-sync}) repeatedly takes all queued requests,
 * fdatasyncs each dirty file once (segments, ack files, then folders whose entries changed) and
 * runs those listeners. Requests that arrive during a round's fsyncs wait for the next round, so
 * under load one fsync covers many appends, with no timer and no added latency when idle. Since
 * every queue has its own files, a round that touches many queues has one fsync per queue; those
 * run on up to {@link io.warren.store.StoreOptions#syncThreads()} threads at once, which the file
 * system folds into few journal commits. A listener learns either that everything appended and acked before its request is
 * durable, or the failure. A failed fsync fails the store (see {@code GroupCommit} for why it is
 * not retried). The metadata log is synced synchronously instead: changes are rare.
 *
 * <h2>Ack and delete policy</h2>
 * An ack sets a bit in memory and appends an 8-byte entry to the segment's {@code .acks} file; it
 * is durable once a sync requested after it completes (an ack not yet covered by a sync may be
 * lost in a crash, and the message is then delivered again, never lost). When every record of a
 * segment that is no longer being written is acked, the segment is retired: the next sync round
 * deletes its {@code .seg}, fsyncs the folder, then deletes its {@code .acks}. {@code purge}
 * retires every segment at once without writing any ack entry. Nothing is ever rewritten in place.
 *
 * <h2>Recovery</h2>
 * {@link io.warren.store.QueueLog#recover} reads each segment whole, verifies every record's CRC
 * and hands the un-acked ones to the broker in append order. A torn last record (a crash during a
 * write) is cut off. A damaged record in the middle is skipped: reading resumes right after it if
 * its length is intact, otherwise at the next offset where two records verify in a row. A file with
 * an unreadable header is renamed {@code .corrupt}. Every such event is logged (WARN for damage)
 * and listed, with file name and offset, in the returned {@link io.warren.store.RecoveryReport};
 * recovery never refuses to start.
 *
 * <h2>Reads: positional FileChannel reads, not mmap</h2>
 * The store keeps no record bodies in memory; per record it keeps a 4-byte offset and one ack bit.
 * {@link io.warren.store.QueueLog#read} does two {@code pread}s (header, then payload straight into
 * a buffer from the broker's allocator) and checks the CRC. The page cache still serves hot data,
 * and positional reads (rather than mapping the segments) keep three problems away: a write into
 * a mapped file on a full disk kills the JVM with SIGBUS instead of throwing an exception we can
 * report; a mapping cannot be released on demand before Java 22 (a deleted segment would hold its
 * disk space until a GC); and a deep queue of thousands of segments would need as many mappings.
 * A queue keeps at most four sealed segments open for reading, since consumers read near the head.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>{@link io.warren.store.QueueLog}: one owning thread per log (the queue's event loop) calls
 *       {@code recover}, {@code append}, {@code ack}, {@code read}, {@code count}, {@code purge},
 *       {@code close}; no locks on these paths.</li>
 *   <li>{@link io.warren.store.MessageStore#sync}, {@code syncAsync}, {@code usableSpace},
 *       {@code stats}, {@code openQueue}, {@code queueIds}: any thread. A sync covers the appends
 *       and acks that happened-before it (same thread, or handed over through a queue/executor).</li>
 *   <li>{@link io.warren.store.SyncListener}s run on the sync thread: they must be short and should
 *       hand their work back to the broker's threads.</li>
 *   <li>{@link io.warren.store.MetadataLog}: any thread, synchronized.</li>
 *   <li>Do not interrupt a thread inside a store call: Java closes a FileChannel when the thread
 *       using it is interrupted. The store survives it (the segment is sealed, and the sync thread
 *       fsyncs through a fresh descriptor), but the call fails.</li>
 * </ul>
 *
 * <h2>Disk space</h2>
 * {@link io.warren.store.MessageStore#usableSpace()} is one statvfs call, for the broker's free
 * disk alarm (RabbitMQ's {@code connection.blocked}). Between two such calls,
 * {@link io.warren.store.MessageStore#watchWrites} tells the alarm when the queue logs have written
 * the margin it had left, so that a fast publisher cannot fill the disk between two checks. A write
 * that fails for lack of space throws a {@link io.warren.store.StoreException} whose
 * {@code isOutOfSpace()} is true; the log stays usable and takes appends again once space returns.
 */
package io.warren.store;
