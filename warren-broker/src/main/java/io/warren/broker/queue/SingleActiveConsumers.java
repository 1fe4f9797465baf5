package io.warren.broker.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * x-single-active-consumer: many consumers may register, one receives. As in RabbitMQ 3.10's
 * classic queues, the first consumer registered becomes the active one whatever its priority;
 * when it goes (basic.cancel, its channel or connection closed) the waiting consumer with the
 * highest x-priority takes over, the earliest registered among equals. The departed consumer's
 * unacknowledged messages are requeued by its channel and so reach the new one first.
 * Exclusive consumers are refused, as RabbitMQ refuses them on such a queue.
 */
final class SingleActiveConsumers implements ConsumerList {

  /** In registration order. */
  private final ArrayList<Consumer> registered = new ArrayList<>();
  private Consumer active;

  @Override
  public void add(Consumer consumer) throws AmqpQueue.ExclusiveConsumerConflict {
    if (consumer.exclusive()) {
      throw new AmqpQueue.ExclusiveConsumerConflict();
    }
    registered.add(consumer);
    if (active == null) {
      active = consumer;
    }
  }

  @Override
  public boolean remove(Consumer consumer) {
    if (!registered.remove(consumer)) {
      return false;
    }
    if (consumer == active) {
      active = highestPriorityWaiting();
    }
    return true;
  }

  private Consumer highestPriorityWaiting() {
    Consumer best = null;
    for (Consumer c : registered) {
      if (best == null || c.priority() > best.priority()) {
        best = c;
      }
    }
    return best;
  }

  @Override
  public Consumer nextWithCredit() {
    return active != null && active.hasCredit() ? active : null;
  }

  @Override
  public int size() {
    return registered.size();
  }

  @Override
  public boolean isEmpty() {
    return registered.isEmpty();
  }

  @Override
  public List<Consumer> snapshot() {
    return List.copyOf(registered);
  }

  @Override
  public List<Consumer> clear() {
    List<Consumer> all = new ArrayList<>(registered);
    registered.clear();
    active = null;
    return all;
  }

  @Override
  public Consumer singleActive() {
    return active;
  }
}
