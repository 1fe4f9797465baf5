package io.warren.broker.queue;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The messages of a queue that wait for a consumer, in the order they will be delivered.
 * Chosen once, when the queue is declared: a plain queue gets a {@link FifoReadyList}, a
 * queue with x-max-priority a {@link PriorityReadyList}, so the plain queue's hot path pays
 * nothing for priorities. Guarded by the owning queue's lock.
 */
sealed interface ReadyList permits FifoReadyList, PriorityReadyList {

  /** The ready list for a queue declared with these arguments. */
  static ReadyList forArguments(Map<String, Object> arguments) {
    int maxPriority = PriorityReadyList.maxPriority(arguments);
    return maxPriority < 0 ? new FifoReadyList() : new PriorityReadyList(maxPriority);
  }

  void add(QueueEntry entry);

  /** Removes and returns the next entry to deliver, or null. */
  QueueEntry poll();

  /** The next entry to deliver, left in place, or null. */
  QueueEntry peek();

  /** Puts entries back at their original positions (by sequence), merged with what is ready. */
  void requeue(List<QueueEntry> requeued);

  /** Removes everything, handing each entry to {@code removed}, and returns how many there were. */
  int clear(Consumer<QueueEntry> removed);

  int size();

  boolean isEmpty();

  /** Bytes of the ready messages' bodies, paged out or not (a recovered, never loaded one counts 0). */
  long bodyBytes();
}
