package io.warren.broker.queue;

import java.util.List;
import java.util.Map;

/**
 * A queue's consumers and the rule that picks who gets the next message. Chosen when the queue
 * is declared: {@link RoundRobinConsumers} normally, {@link SingleActiveConsumers} with
 * x-single-active-consumer. Guarded by the owning queue's lock.
 */
sealed interface ConsumerList permits RoundRobinConsumers, SingleActiveConsumers {

  static ConsumerList forArguments(Map<String, Object> arguments) {
    return Boolean.TRUE.equals(arguments.get("x-single-active-consumer"))
        ? new SingleActiveConsumers() : new RoundRobinConsumers();
  }

  /** Registers a consumer, unless exclusivity forbids it. */
  void add(Consumer consumer) throws AmqpQueue.ExclusiveConsumerConflict;

  /** Removes a consumer; false if it was not registered. */
  boolean remove(Consumer consumer);

  /** The consumer the next ready message goes to, or null when none can take one now. */
  Consumer nextWithCredit();

  int size();

  boolean isEmpty();

  /** Every registered consumer, in registration order (priority order for round-robin). */
  List<Consumer> snapshot();

  /** Removes every consumer and returns them. */
  List<Consumer> clear();

  /** The consumer that alone receives messages, or null (none yet, or not a single-active-consumer queue). */
  Consumer singleActive();
}
