package io.warren.broker.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * Round-robin among the highest-priority consumers that have credit; a lower priority gets a
 * message only when every higher one is full (RabbitMQ's consumer priorities, x-priority).
 * Without x-priority all consumers form one group and this is plain round-robin. An exclusive
 * consumer (basic.consume exclusive=true) can only join a queue without consumers and keeps
 * others out.
 */
final class RoundRobinConsumers implements ConsumerList {

  /** Sorted by priority, highest first; equal priorities in arrival order. */
  private final ArrayList<Consumer> consumers = new ArrayList<>();
  /** Where the search for the next consumer starts. */
  private int nextConsumer;

  @Override
  public void add(Consumer consumer) throws AmqpQueue.ExclusiveConsumerConflict {
    if (!consumers.isEmpty() && (consumer.exclusive() || consumers.get(0).exclusive())) {
      throw new AmqpQueue.ExclusiveConsumerConflict();
    }
    int at = consumers.size();
    while (at > 0 && consumers.get(at - 1).priority() < consumer.priority()) {
      at--;
    }
    consumers.add(at, consumer);
    if (at < nextConsumer) {
      nextConsumer++;
    }
  }

  @Override
  public boolean remove(Consumer consumer) {
    int i = consumers.indexOf(consumer);
    if (i < 0) {
      return false;
    }
    consumers.remove(i);
    if (nextConsumer > i) {
      nextConsumer--;
    }
    return true;
  }

  @Override
  public Consumer nextWithCredit() {
    int n = consumers.size();
    int groupStart = 0;
    while (groupStart < n) {
      int priority = consumers.get(groupStart).priority();
      int groupEnd = n;
      if (consumers.get(n - 1).priority() != priority) {
        groupEnd = groupStart + 1;
        while (consumers.get(groupEnd).priority() == priority) {
          groupEnd++;
        }
      }
      int size = groupEnd - groupStart;
      int start = nextConsumer >= groupStart && nextConsumer < groupEnd ? nextConsumer - groupStart : 0;
      for (int tried = 0; tried < size; tried++) {
        int offset = start + tried;
        int i = groupStart + (offset < size ? offset : offset - size);
        Consumer candidate = consumers.get(i);
        if (candidate.hasCredit()) {
          nextConsumer = i + 1;
          return candidate;
        }
      }
      groupStart = groupEnd;
    }
    return null;
  }

  @Override
  public int size() {
    return consumers.size();
  }

  @Override
  public boolean isEmpty() {
    return consumers.isEmpty();
  }

  @Override
  public List<Consumer> snapshot() {
    return List.copyOf(consumers);
  }

  @Override
  public List<Consumer> clear() {
    List<Consumer> all = new ArrayList<>(consumers);
    consumers.clear();
    nextConsumer = 0;
    return all;
  }

  @Override
  public Consumer singleActive() {
    return null;
  }
}
