package io.warren.mqtt;

import java.util.ArrayDeque;
import java.util.function.IntConsumer;

/**
 * The PUBACKs (and QoS 2 PUBRECs) a client is owed, released in the order its PUBLISHes came
 * (MQTT 3.1.1 §4.6) and only once the messages are safe: a message that a durable queue logged
 * waits for the store's next sync, as a publisher confirm does, and acknowledgements behind it
 * wait with it. One sync covers every publish of a read batch. Event loop only.
 */
final class PublishAcks {

  /** Packet ids in arrival order; negative ids stand for PUBRECs (QoS 2). */
  private final ArrayDeque<Integer> pending = new ArrayDeque<>();
  private final ArrayDeque<Long> sequences = new ArrayDeque<>();
  private long published;
  private long lastPersisted;
  private long syncRequested;
  private long synced;

  /** A QoS 1 (or, with {@code exactlyOnce}, QoS 2) publish was routed; {@code persisted}: it awaits a sync. */
  void add(int packetId, boolean exactlyOnce, boolean persisted) {
    published++;
    if (persisted) {
      lastPersisted = published;
    }
    pending.add(exactlyOnce ? -packetId : packetId);
    sequences.add(published);
  }

  /** Whether a sync must be asked for; if so the caller does, and reports with {@link #synced}. */
  long syncNeeded() {
    if (lastPersisted > syncRequested) {
      syncRequested = published;
      return published;
    }
    return 0;
  }

  void synced(long upTo) {
    synced = Math.max(synced, upTo);
  }

  /** Hands every acknowledgement that may go now to {@code puback} / {@code pubrec}. */
  void release(IntConsumer puback, IntConsumer pubrec) {
    long frontier = lastPersisted <= synced ? published : synced;
    while (!sequences.isEmpty() && sequences.peekFirst() <= frontier) {
      sequences.pollFirst();
      int id = pending.pollFirst();
      if (id < 0) {
        pubrec.accept(-id);
      } else {
        puback.accept(id);
      }
    }
  }
}
