package io.warren.broker.channel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * A channel's delivered-but-unsettled messages in delivery-tag order. Tags only grow, so the
 * deliveries sit in an array sorted by tag: acking the oldest (the usual case) advances the head,
 * acking "everything up to N" walks from the head, and acking one tag out of order finds it by
 * binary search and leaves a hole that the head skips later. No per-ack allocation, no boxing.
 * Owned by the channel's event loop.
 */
final class UnackedDeliveries {

  private Delivery[] slots = new Delivery[64];
  /** Tags of the slots, kept for holes too so that binary search works across them. */
  private long[] tags = new long[64];
  private int head;
  private int tail;
  private int live;

  void add(Delivery d) {
    if (tail == slots.length) {
      makeRoom();
    }
    tags[tail] = d.tag;
    slots[tail++] = d;
    live++;
  }

  /** Removes and returns the delivery with this tag, or null if it is not unacked. */
  Delivery remove(long tag) {
    int i = indexOf(tag);
    if (i < 0) {
      return null;
    }
    Delivery d = slots[i];
    slots[i] = null;
    live--;
    skipHoles();
    return d;
  }

  /** Whether a delivery with this tag is unacked. */
  boolean contains(long tag) {
    return indexOf(tag) >= 0;
  }

  /** Removes every delivery with a tag up to and including {@code tag}, oldest first. */
  void removeUpTo(long tag, Consumer<Delivery> sink) {
    while (head < tail) {
      Delivery d = slots[head];
      if (d != null) {
        if (d.tag > tag) {
          break;
        }
        sink.accept(d);
        live--;
      }
      slots[head++] = null;
    }
    skipHoles();
  }

  /** Removes everything, oldest first. */
  void removeAll(Consumer<Delivery> sink) {
    removeUpTo(Long.MAX_VALUE, sink);
  }

  /** Puts deliveries back (a rolled-back transaction's acks), keeping tag order. */
  void restore(List<Delivery> restored) {
    List<Delivery> all = new ArrayList<>(live + restored.size());
    for (int i = head; i < tail; i++) {
      if (slots[i] != null) {
        all.add(slots[i]);
      }
    }
    all.addAll(restored);
    all.sort(Comparator.comparingLong(d -> d.tag));
    slots = all.toArray(new Delivery[Math.max(64, all.size() * 2)]);
    tags = new long[slots.length];
    for (int i = 0; i < all.size(); i++) {
      tags[i] = all.get(i).tag;
    }
    head = 0;
    tail = all.size();
    live = all.size();
  }

  int size() {
    return live;
  }

  boolean isEmpty() {
    return live == 0;
  }

  private int indexOf(long tag) {
    int i = Arrays.binarySearch(tags, head, tail, tag);
    return i >= 0 && slots[i] != null ? i : -1;
  }

  private void skipHoles() {
    while (head < tail && slots[head] == null) {
      head++;
    }
    if (head == tail) {
      head = 0;
      tail = 0;
    }
  }

  private void makeRoom() {
    int count = tail - head;
    if (count * 2 <= slots.length) {
      System.arraycopy(slots, head, slots, 0, count);
      System.arraycopy(tags, head, tags, 0, count);
      Arrays.fill(slots, count, tail, null);
    } else {
      Delivery[] bigger = new Delivery[slots.length * 2];
      long[] biggerTags = new long[slots.length * 2];
      System.arraycopy(slots, head, bigger, 0, count);
      System.arraycopy(tags, head, biggerTags, 0, count);
      slots = bigger;
      tags = biggerTags;
    }
    head = 0;
    tail = count;
  }
}
