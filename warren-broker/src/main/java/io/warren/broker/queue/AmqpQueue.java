package io.warren.broker.queue;

import io.netty.buffer.ByteBuf;
import io.warren.broker.AmqpException;
import io.warren.broker.MessageStats;
import io.warren.broker.message.Message;
import io.warren.broker.message.PropertyFlags;
import io.warren.store.QueueLog;
import io.warren.store.RecoveryReport;
import io.warren.store.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A queue: ready messages, the consumers they are dispatched to round-robin, and the count of
 * messages delivered but not yet settled.
 *
 * <p>Threading: any connection's event loop may publish to, consume from or ack into a queue,
 * so its mutable state is guarded by {@link #lock}. Critical sections are short and never do
 * I/O: a dispatched message is handed to its consumer's channel through
 * {@link ConsumerOwner#deliver}, which only enqueues it for the channel's own thread.
 */
public final class AmqpQueue implements io.warren.broker.exchange.BindingTarget {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AmqpQueue.class);

  /** Callbacks into the vhost that owns this queue. */
  public interface Owner {
    /** The queue lost its last consumer and is auto-delete, or its lease (x-expires) ran out: remove it. */
    void autoDelete(AmqpQueue queue);

    /** Routes dead-lettered messages. */
    io.warren.broker.exchange.Router router();

    /** The exchange of that name, or null (a dead-letter exchange may not exist). */
    io.warren.broker.exchange.Exchange exchange(String name);
  }

  /** {@link #offer} outcomes: the queue is gone, took the message, or refused it (x-overflow reject-publish). */
  public static final int GONE = 0;
  public static final int ENQUEUED = 1;
  public static final int REJECTED = 2;

  private final String name;
  private final String vhost;
  private final boolean durable;
  private final boolean autoDelete;
  private final Object exclusiveOwner;
  private final Map<String, Object> arguments;
  private final Owner owner;

  private final ReentrantLock lock = new ReentrantLock();
  /** Counters for the management API; incremented under {@link #lock}, read without it. */
  private final MessageStats stats = MessageStats.owned();
  /** The log of a durable queue's persistent messages; null for transient queues. */
  private QueueLog log;
  /** Encodes and decodes log records, and provides the scratch log for deep transient backlogs. */
  private MessagePaging paging;
  /** Where transient messages of a deep queue wait, opened on first need; null until then. */
  private QueueLog scratchLog;
  /** The last ack write failed; logged once until one succeeds again. Guarded by lock. */
  private boolean ackWriteFailing;
  /** FIFO, or by priority with x-max-priority; see {@link ReadyList#forArguments}. */
  private final ReadyList ready;
  /** Non-null for a priority queue: gives each new entry its level. */
  private final PriorityReadyList priorities;
  /** Round-robin, or single active consumer; see {@link ConsumerList#forArguments}. */
  private final ConsumerList consumers;
  private int unacked;
  private long nextSequence;
  private boolean hadConsumer;
  private boolean deleted;
  /**
   * In a cluster, the node this queue's messages live on when that is not this node; this node
   * then holds its definition only: nothing is routed to it here and it cannot be consumed here.
   */
  private String homeNode;
  /** x-max-length(-bytes) and x-overflow; null (one check on the hot path) when unlimited. */
  private final QueueLimits limits;
  /** Message TTLs; null until the queue has x-message-ttl or a message with an expiration. */
  private Expiry expiry;
  /** x-dead-letter-exchange; null when dropped messages just go. */
  private final DeadLetterer deadLetterer;
  /** x-expires; null when the queue lives until deleted. */
  private final QueueLease lease;

  /**
   * Deep queues: beyond this many ready messages, a persistent message in a durable queue keeps
   * no copy in memory, only its position in the log; it is read back when it reaches a consumer.
   * So a backlog of millions costs a small entry per message, not its body.
   */
  static final int IN_MEMORY_MESSAGES = 8_192;

  public AmqpQueue(String name, String vhost, boolean durable, boolean autoDelete, Object exclusiveOwner,
      Map<String, Object> arguments, Owner owner) {
    this.name = name;
    this.vhost = vhost;
    this.durable = durable;
    this.autoDelete = autoDelete;
    this.exclusiveOwner = exclusiveOwner;
    // not Map.copyOf: a field table may hold void (null) values, which RabbitMQ accepts
    this.arguments = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(arguments));
    this.owner = owner;
    this.ready = ReadyList.forArguments(arguments);
    this.priorities = ready instanceof PriorityReadyList p ? p : null;
    this.consumers = ConsumerList.forArguments(arguments);
    this.limits = QueueLimits.from(arguments);
    this.expiry = Expiry.from(arguments);
    this.deadLetterer = DeadLetterer.from(this, arguments, owner);
    this.lease = QueueLease.from(arguments);
    if (lease != null) {
      lease.schedule(this::onLeaseTimer);
    }
  }

  /** This node holds the queue's definition only; its messages live on {@code node}. Call before publishing it. */
  public void homeOn(String node) {
    this.homeNode = node;
  }

  /** The node the queue's messages live on, or null for this node. */
  public String homeNode() {
    return homeNode;
  }

  @Override
  public String name() {
    return name;
  }

  public String vhost() {
    return vhost;
  }

  public boolean durable() {
    return durable;
  }

  public boolean autoDelete() {
    return autoDelete;
  }

  public boolean exclusive() {
    return exclusiveOwner != null;
  }

  /** The connection that declared this exclusive queue, or null. */
  public Object exclusiveOwner() {
    return exclusiveOwner;
  }

  public Map<String, Object> arguments() {
    return arguments;
  }

  /** Gives a durable queue its log; called once, before the queue is visible to anyone. */
  public void attachStorage(QueueLog queueLog, MessagePaging messagePaging) {
    this.log = queueLog;
    this.paging = messagePaging;
  }

  /** Whether persistent messages published to this queue are written to disk. */
  public boolean persistsMessages() {
    return log != null;
  }

  /**
   * Loads the messages a previous run left in the log, in their order, marked redelivered
   * (RabbitMQ's promise: a message that may have been delivered before says so).
   */
  public RecoveryReport recover() {
    lock.lock();
    try {
      long now = System.currentTimeMillis();
      RecoveryReport report = log.recover((position, record) -> {
        boolean keepInMemory = ready.size() < IN_MEMORY_MESSAGES;
        long arrival = paging.arrivedAt(record); // before decode, which reads the record through
        QueueEntry entry = new QueueEntry(this, keepInMemory ? paging.decode(record) : null, nextSequence++);
        entry.setPosition(position);
        if (priorities != null) {
          int priority = keepInMemory ? entry.message().header().priority() : paging.header(record).priority();
          entry.setPriority(priorities.levelOf(priority));
        }
        entry.markRedelivered();
        restoreDeadlineLocked(entry, record, arrival < 0 ? now : arrival);
        ready.add(entry);
      });
      QueueEntry head = ready.peek();
      if (expiry != null && head != null && head.deadline() != 0) {
        // on the timer, not now: the dead-letter exchange's queues may not be recovered yet
        expiry.wakeAt(head.deadline(), System.currentTimeMillis(), this::onExpiryTimer);
      }
      return report;
    } finally {
      lock.unlock();
    }
  }

  /** Adds a transient message (or one this queue does not persist); see {@link #offer(Message, ByteBuf)}. */
  public boolean enqueue(Message message) {
    return offer(message, null) != GONE;
  }

  /** {@link #offer(Message, ByteBuf)}, for callers that need not know whether a full queue refused it. */
  public boolean enqueue(Message message, ByteBuf record) {
    return offer(message, record) != GONE;
  }

  /**
   * Adds a message and dispatches it if a consumer can take it. {@code record} is the message's
   * encoded form when it is persistent; a durable queue appends it to its log before anything
   * else can happen to the message. Returns {@link #ENQUEUED}, {@link #REJECTED} when the queue
   * is full and refuses new messages, or {@link #GONE}.
   *
   * @throws StoreException if the log could not take the record (disk full): the queue is as before
   */
  public int offer(Message message, ByteBuf record) {
    lock.lock();
    try {
      if (deleted || homeNode != null) {
        return GONE;
      }
      if (limits != null && limits.rejects(ready.size(), ready.bodyBytes(), message.bodySize())) {
        if (deadLetterer != null && limits.deadLettersRejected()) {
          deadLetterer.add(message, DeadLetterer.MAXLEN);
        }
        return REJECTED;
      }
      // first, so that a failed write leaves nothing behind
      long position = record != null && log != null ? log.append(record) : -1;
      QueueEntry entry = new QueueEntry(this, message, nextSequence++);
      if (priorities != null) {
        entry.setPriority(priorities.levelOf(message.header().priority()));
      }
      if (Expiry.applies(expiry, message)) {
        setDeadlineLocked(entry);
      }
      stats.onPublish();
      boolean deep = ready.size() >= IN_MEMORY_MESSAGES;
      if (position >= 0) {
        entry.setPosition(position);
        if (deep) {
          entry.pageOut();
        }
      } else if (deep && paging != null) {
        pageOutToScratch(entry);
      }
      ready.add(entry);
      dispatchLocked();
      if (limits != null) {
        dropOverLimitLocked();
      }
      return ENQUEUED;
    } finally {
      unlockAndDeadLetter();
    }
  }

  /**
   * A recovered message keeps the deadline it had before the restart: its arrival time plus its
   * TTL here, as RabbitMQ keeps it (records written before arrival times were kept count from
   * the restart). {@code record} is only read when the entry was recovered without its message.
   */
  private void restoreDeadlineLocked(QueueEntry entry, ByteBuf record, long arrival) {
    Message message = entry.message();
    String expiration;
    if (message != null) {
      expiration = PropertyFlags.hasExpiration(message) ? message.properties().expiration() : null;
    } else {
      expiration = paging.header(record).properties().expiration(); // paged: only its header is read
    }
    if (expiry == null && expiration == null) {
      return;
    }
    if (expiry == null) {
      expiry = Expiry.perMessageOnly();
    }
    entry.setDeadline(expiry.deadline(expiration, arrival));
  }

  /** The entry's message has a TTL here (the queue's, its own, or both): it gets its deadline. */
  private void setDeadlineLocked(QueueEntry entry) {
    if (expiry == null) {
      expiry = Expiry.perMessageOnly();
    }
    entry.setDeadline(expiry.deadline(entry.message(), System.currentTimeMillis()));
  }

  /** A dead-lettered message from another queue (or this one): persisted here if it is persistent. */
  void enqueueDeadLetter(Message message) {
    if (message.persistent() && log != null) {
      ByteBuf record = paging.encode(message);
      try {
        enqueue(message, record);
      } finally {
        record.release();
      }
    } else {
      enqueue(message);
    }
  }

  /**
   * Releases the lock, then publishes what was dead-lettered while it was held: never under the
   * lock, since the dead-letter queue may be this one or dead-letter back to it.
   */
  private void unlockAndDeadLetter() {
    var letters = deadLetterer == null ? null : deadLetterer.takePending();
    lock.unlock();
    if (letters != null) {
      deadLetterer.publish(letters);
    }
  }

  /** drop-head: the oldest ready messages go (dead-lettered as maxlen) until the queue fits. */
  private void dropOverLimitLocked() {
    while (!ready.isEmpty() && limits.overLimit(ready.size(), ready.bodyBytes())) {
      dropHeadLocked(DeadLetterer.MAXLEN);
    }
  }

  private void dropHeadLocked(String reason) {
    QueueEntry e = deadLetterer != null ? pollLoaded() : ready.poll();
    if (e == null) {
      return;
    }
    if (deadLetterer != null) {
      deadLetterer.add(e.message(), reason);
    }
    forgetLocked(e);
  }

  /** Expired messages at the head go; the timer is set for the next head's deadline. */
  private void dropExpiredLocked() {
    long now = System.currentTimeMillis();
    QueueEntry head;
    while ((head = ready.peek()) != null && Expiry.expired(head, now)) {
      dropHeadLocked(DeadLetterer.EXPIRED);
    }
    if (head != null && head.deadline() != 0 && !deleted) {
      expiry.wakeAt(head.deadline(), now, this::onExpiryTimer);
    }
  }

  private void onExpiryTimer() {
    lock.lock();
    try {
      expiry.timerFired();
      if (!deleted) {
        dropExpiredLocked();
      }
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** Rejected (reject/nack without requeue) by a consumer: dead-lettered if the queue says so. */
  public void deadLetterRejected(QueueEntry entry) {
    if (deadLetterer == null) {
      return;
    }
    lock.lock();
    try {
      if (!deleted) {
        deadLetterer.add(entry.message(), DeadLetterer.REJECTED);
      }
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** Renews the lease (x-expires): the queue was declared again. */
  public void renewLease() {
    if (lease == null) {
      return;
    }
    lock.lock();
    try {
      lease.renew();
    } finally {
      lock.unlock();
    }
  }

  private void onLeaseTimer() {
    boolean expired;
    lock.lock();
    try {
      if (deleted) {
        return;
      }
      if (!consumers.isEmpty()) {
        lease.renew();
      }
      expired = lease.ended(false);
      if (!expired) {
        lease.schedule(this::onLeaseTimer);
      }
    } finally {
      lock.unlock();
    }
    if (expired) {
      owner.autoDelete(this);
    }
  }

  /** Thrown by {@link #addConsumer} when exclusivity forbids the new consumer. */
  public static final class ExclusiveConsumerConflict extends Exception {
    ExclusiveConsumerConflict() {
      super(null, null, false, false);
    }
  }

  /**
   * Registers a consumer. Dispatching to it starts with the next {@link #dispatch()}, which the
   * channel calls after it has sent basic.consume-ok, so no delivery can overtake that reply.
   */
  public void addConsumer(Consumer consumer) throws ExclusiveConsumerConflict {
    lock.lock();
    try {
      consumers.add(consumer);
      hadConsumer = true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes a consumer (basic.cancel, channel or connection closed). An auto-delete queue that
   * has had a consumer is deleted when its last one goes, as in RabbitMQ.
   */
  public void removeConsumer(Consumer consumer) {
    boolean autoDeleteNow;
    lock.lock();
    try {
      if (!consumers.remove(consumer)) {
        return;
      }
      if (lease != null) {
        lease.renew(); // the lease starts again when the last consumer goes
      }
      autoDeleteNow = autoDelete && !deleted && hadConsumer && consumers.isEmpty();
    } finally {
      lock.unlock();
    }
    if (autoDeleteNow) {
      owner.autoDelete(this);
    }
  }

  /** basic.get: the oldest ready message, counted as unacked unless {@code noAck}; null if none. */
  public QueueEntry poll(boolean noAck) {
    checkHomedHere();
    lock.lock();
    try {
      if (lease != null) {
        lease.renew();
      }
      if (expiry != null) {
        dropExpiredLocked();
      }
      QueueEntry entry = pollLoaded();
      if (entry != null) {
        stats.onGet(noAck, entry.redelivered());
        if (noAck) {
          forgetLocked(entry);
        } else {
          unacked++;
        }
      }
      if (expiry != null) {
        dropExpiredLocked(); // sets the timer for the new head
      }
      return entry;
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** A consumer with credit to spare may now take more: try to dispatch. */
  public void dispatch() {
    lock.lock();
    try {
      dispatchLocked();
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** Unacked deliveries were acked, or rejected without requeue: they leave the queue for good. */
  public void settle(List<QueueEntry> entries) {
    lock.lock();
    try {
      unacked -= entries.size();
      stats.onAck(entries.size());
      for (QueueEntry e : entries) {
        forgetLocked(e);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * A no-ack delivery was written to its consumer's socket: it will not come back, so its log
   * record is acked now. Not at dispatch: a delivery that never reached the socket (its channel
   * closed first) returns through {@link #putBack} and must still be in the log.
   */
  public void forgetWritten(QueueEntry entry) {
    if (entry.position() < 0) {
      return; // held in memory only: nothing to release
    }
    lock.lock();
    try {
      forgetLocked(entry);
    } finally {
      lock.unlock();
    }
  }

  /** The next ready entry with its message in memory (read back from the log if paged out). */
  private QueueEntry pollLoaded() {
    QueueEntry entry;
    while ((entry = ready.poll()) != null) {
      if (!entry.isPagedOut()) {
        return entry;
      }
      ByteBuf record = null;
      try {
        if (entry.inScratchLog()) {
          record = scratchLog.read(entry.position());
          entry.pageIn(paging.decode(record));
          ackInLog(scratchLog, entry.position());
          entry.leaveScratch();
        } else {
          record = log.read(entry.position());
          entry.pageIn(paging.decode(record));
        }
        return entry;
      } catch (RuntimeException e) {
        // a damaged record: RabbitMQ would also lose it; the rest of the queue goes on
        LOG.error("{}: cannot read message at {}; dropping it", this, io.warren.store.Position.toString(entry.position()), e);
        forgetLocked(entry);
      } finally {
        if (record != null) {
          record.release();
        }
      }
    }
    return null;
  }

  /** The message has left the queue for good: its log record is acked. */
  private void forgetLocked(QueueEntry e) {
    if (e.position() < 0 || deleted) {
      return;
    }
    if (e.inScratchLog()) {
      ackInLog(scratchLog, e.position());
    } else if (log != null) {
      ackInLog(log, e.position());
    }
  }

  /**
   * Records that a message left the queue. If the ack cannot be written (disk full), the message
   * is gone all the same in this process and may only come back after a restart: never a reason
   * to fail the consumer that acked, who frees the space a full disk needs.
   */
  private void ackInLog(QueueLog target, long position) {
    try {
      target.ack(position);
      ackWriteFailing = false;
    } catch (StoreException e) {
      if (!ackWriteFailing) {
        ackWriteFailing = true;
        LOG.warn("{}: could not record acks on disk ({}); those messages may be delivered again after a restart",
            this, e.getMessage());
      }
    }
  }

  /** A transient message in a deep queue goes to the scratch log; memory keeps only its entry. */
  private void pageOutToScratch(QueueEntry entry) {
    if (scratchLog == null) {
      scratchLog = paging.openScratchLog();
    }
    ByteBuf record = paging.encode(entry.message());
    try {
      entry.pageOutToScratch(scratchLog.append(record));
    } catch (StoreException e) {
      // the disk is full: the message stays in memory, where the memory alarm watches it
      LOG.debug("{}: could not page a message out ({})", this, e.getMessage());
    } finally {
      record.release();
    }
  }

  /**
   * Unacked deliveries come back (nack/reject with requeue, recover, channel closed): they go
   * back to their original positions, marked redelivered, and are dispatched again.
   */
  public void requeue(List<QueueEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    lock.lock();
    try {
      unacked -= entries.size();
      if (deleted) {
        return;
      }
      for (QueueEntry e : entries) {
        e.markRedelivered();
      }
      ready.requeue(entries);
      if (limits != null) {
        dropOverLimitLocked();
      }
      if (expiry != null) {
        dropExpiredLocked(); // requeued messages keep their deadline: some may be past it
      }
      dispatchLocked();
    } finally {
      unlockAndDeadLetter();
    }
  }

  /**
   * A message assigned to a consumer never reached it (the consumer was cancelled or its channel
   * closed before the write): it goes back unchanged, not marked redelivered.
   */
  public void putBack(QueueEntry entry, boolean countedAsUnacked) {
    putBack(entry, countedAsUnacked, true);
  }

  /**
   * {@link #putBack(QueueEntry, boolean)}, dispatching again only if {@code dispatchNow}: a
   * closing channel returns all it holds before the queue dispatches, so that a successor
   * (single active consumer) receives the messages in their order.
   */
  public void putBack(QueueEntry entry, boolean countedAsUnacked, boolean dispatchNow) {
    lock.lock();
    try {
      if (countedAsUnacked) {
        unacked--;
      }
      if (deleted) {
        return;
      }
      ready.requeue(new ArrayList<>(List.of(entry)));
      if (dispatchNow) {
        dispatchLocked();
      }
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** Drops every ready message (unacked ones stay, as in RabbitMQ) and returns how many there were. */
  public int purge() {
    lock.lock();
    try {
      return ready.clear(this::forgetLocked);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Marks the queue deleted, drops its messages and tells its consumers' channels. Returns the
   * number of ready messages it held (queue.delete-ok's message-count).
   */
  public int delete() {
    List<Consumer> cancelled;
    int count;
    lock.lock();
    try {
      if (deleted) {
        return 0;
      }
      deleted = true;
      if (expiry != null) {
        expiry.cancel();
      }
      if (lease != null) {
        lease.cancel();
      }
      count = ready.clear(e -> { });
      if (scratchLog != null) {
        paging.deleteScratchLog(scratchLog);
        scratchLog = null;
      }
      cancelled = consumers.clear();
    } finally {
      lock.unlock();
    }
    for (Consumer c : cancelled) {
      c.owner().cancelByBroker(c);
    }
    return count;
  }

  /**
   * Consuming from another node's queue is not supported yet: 404 as RabbitMQ answers for a
   * queue whose home node it cannot reach, naming the node to connect to instead.
   */
  public void checkHomedHere() {
    if (homeNode != null) {
      throw AmqpException.notFound("home node '%s' of queue '%s' in vhost '%s' is another node; "
          + "consume from that node", homeNode, name, vhost);
    }
  }

  public boolean isDeleted() {
    lock.lock();
    try {
      return deleted;
    } finally {
      lock.unlock();
    }
  }

  /** Ready messages (queue.declare-ok and basic.get-ok report this). */
  public int messageCount() {
    lock.lock();
    try {
      if (expiry != null) {
        dropExpiredLocked();
      }
      return ready.size();
    } finally {
      unlockAndDeadLetter();
    }
  }

  /** Delivered but not yet acknowledged messages. */
  public int unackedCount() {
    lock.lock();
    try {
      return unacked;
    } finally {
      lock.unlock();
    }
  }

  public int consumerCount() {
    lock.lock();
    try {
      return consumers.size();
    } finally {
      lock.unlock();
    }
  }

  /** Message counters (publish, deliver, get, ack, redeliver) for the management API. */
  public MessageStats stats() {
    return stats;
  }

  /** Bytes of message bodies ready for delivery (RabbitMQ's message_bytes_ready). */
  public long readyBytes() {
    lock.lock();
    try {
      return ready.bodyBytes();
    } finally {
      lock.unlock();
    }
  }

  /**
   * With x-single-active-consumer, the consumer that receives the queue's messages (the
   * management API's single_active_consumer_tag); null otherwise or while there is none.
   */
  public Consumer singleActiveConsumer() {
    lock.lock();
    try {
      return consumers.singleActive();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the queue was declared with x-single-active-consumer = true. */
  public boolean isSingleActiveConsumer() {
    return consumers instanceof SingleActiveConsumers;
  }

  public List<Consumer> consumers() {
    lock.lock();
    try {
      return consumers.snapshot();
    } finally {
      lock.unlock();
    }
  }

  /** Each ready message goes to the consumer the {@link ConsumerList} picks, while one has credit. */
  private void dispatchLocked() {
    dispatchToConsumersLocked();
    if (expiry != null) {
      dropExpiredLocked();
    }
  }

  private void dispatchToConsumersLocked() {
    int n = consumers.size();
    while (n > 0 && !ready.isEmpty()) {
      Consumer consumer = consumers.nextWithCredit();
      if (consumer == null) {
        return;
      }
      QueueEntry entry = pollLoaded();
      if (entry == null) {
        return;
      }
      consumer.takeCredit();
      stats.onDeliver(consumer.noAck(), entry.redelivered());
      if (!consumer.noAck()) {
        unacked++;
      }
      // a no-ack delivery leaves the queue's log only once its channel has written it
      // (see forgetWritten): until then it can still come back through putBack
      consumer.owner().deliver(consumer, entry);
      if (expiry != null) {
        dropExpiredLocked(); // as RabbitMQ: what expired behind a delivered message goes now
      }
    }
  }

  @Override
  public String toString() {
    return "queue '" + name + "' in vhost '" + vhost + "'";
  }
}
