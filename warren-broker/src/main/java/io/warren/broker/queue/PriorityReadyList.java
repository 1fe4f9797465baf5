package io.warren.broker.queue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The ready list of a priority queue (x-max-priority): higher priorities first, oldest first
 * within a priority. As in RabbitMQ, a message without a priority counts as 0 and one above
 * the queue's maximum as the maximum; a requeued message returns to its place in its own level.
 *
 * <p>One {@link FifoReadyList} per level, created when the level is first used, and a bitmap of
 * the levels that hold messages: finding the highest non-empty level reads at most four words,
 * so the cost does not grow with the declared maximum (up to 255) nor, beyond that, with the
 * number of levels in use. Guarded by the owning queue's lock.
 */
final class PriorityReadyList implements ReadyList {

  /** RabbitMQ's upper bound for x-max-priority. */
  static final int MAX_PRIORITY = 255;

  private static final Comparator<QueueEntry> BY_LEVEL_THEN_SEQUENCE =
      Comparator.comparingInt(QueueEntry::priority).thenComparingLong(QueueEntry::sequence);

  private final int maxPriority;
  /** Indexed by level; null until a message of that level arrives. */
  private final FifoReadyList[] levels;
  /** Bit {@code p} set while level {@code p} has ready messages. */
  private final long[] nonEmpty = new long[4];
  private int size;
  private long bodyBytes;

  PriorityReadyList(int maxPriority) {
    this.maxPriority = maxPriority;
    this.levels = new FifoReadyList[maxPriority + 1];
  }

  /** The queue's x-max-priority (validated on declare to be 0..255), or -1 when it has none. */
  static int maxPriority(Map<String, Object> arguments) {
    return arguments.get("x-max-priority") instanceof Number n ? (int) Math.min(n.longValue(), MAX_PRIORITY) : -1;
  }

  /** The level a message with this priority property (-1: none) goes to. */
  int levelOf(int priorityProperty) {
    return priorityProperty < 0 ? 0 : Math.min(priorityProperty, maxPriority);
  }

  @Override
  public void add(QueueEntry entry) {
    int p = entry.priority();
    FifoReadyList level = levels[p];
    if (level == null) {
      level = new FifoReadyList();
      levels[p] = level;
    }
    level.add(entry);
    nonEmpty[p >>> 6] |= 1L << p;
    size++;
    bodyBytes += entry.bodySize();
  }

  @Override
  public QueueEntry poll() {
    int p = highestNonEmpty();
    if (p < 0) {
      return null;
    }
    FifoReadyList level = levels[p];
    QueueEntry entry = level.poll();
    if (level.isEmpty()) {
      nonEmpty[p >>> 6] &= ~(1L << p);
    }
    size--;
    bodyBytes -= entry.bodySize();
    return entry;
  }

  @Override
  public QueueEntry peek() {
    int p = highestNonEmpty();
    return p < 0 ? null : levels[p].peek();
  }

  private int highestNonEmpty() {
    for (int word = nonEmpty.length - 1; word >= 0; word--) {
      long bits = nonEmpty[word];
      if (bits != 0) {
        return (word << 6) + 63 - Long.numberOfLeadingZeros(bits);
      }
    }
    return -1;
  }

  @Override
  public void requeue(List<QueueEntry> requeued) {
    // by level, then by position: each run of one level goes back into that level's list
    requeued.sort(BY_LEVEL_THEN_SEQUENCE);
    int runStart = 0;
    for (int i = 1; i <= requeued.size(); i++) {
      if (i == requeued.size() || requeued.get(i).priority() != requeued.get(runStart).priority()) {
        List<QueueEntry> run = runStart == 0 && i == requeued.size() ? requeued : new ArrayList<>(requeued.subList(runStart, i));
        requeueInto(requeued.get(runStart).priority(), run);
        runStart = i;
      }
    }
  }

  private void requeueInto(int p, List<QueueEntry> entries) {
    FifoReadyList level = levels[p];
    if (level == null) {
      level = new FifoReadyList();
      levels[p] = level;
    }
    long before = level.bodyBytes();
    level.requeue(entries);
    nonEmpty[p >>> 6] |= 1L << p;
    size += entries.size();
    bodyBytes += level.bodyBytes() - before;
  }

  @Override
  public int clear(Consumer<QueueEntry> removed) {
    int n = 0;
    for (FifoReadyList level : levels) {
      if (level != null) {
        n += level.clear(removed);
      }
    }
    java.util.Arrays.fill(nonEmpty, 0);
    size = 0;
    bodyBytes = 0;
    return n;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean isEmpty() {
    return size == 0;
  }

  @Override
  public long bodyBytes() {
    return bodyBytes;
  }
}
