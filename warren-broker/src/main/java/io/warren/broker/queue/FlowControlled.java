package io.warren.broker.queue;

/**
 * A publisher a queue can slow down: when consumers fall behind, the queue asks its publishers
 * to stop reading from their sockets until it has drained (RabbitMQ calls this state "flow").
 */
public interface FlowControlled {

  /** The queue has drained below its low watermark (or lost its consumers); any thread. */
  void resumePublishing(AmqpQueue queue);
}
