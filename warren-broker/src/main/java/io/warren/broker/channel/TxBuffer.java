package io.warren.broker.channel;

import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.codec.method.BasicPublish;
import java.util.ArrayList;
import java.util.List;

/**
 * What a transactional channel has done since its last commit or rollback: publishes already
 * routed but not yet enqueued, and deliveries acked or rejected but not yet settled (they were
 * taken out of the unacked set when the ack arrived, so a rollback puts them back).
 */
final class TxBuffer {

  record PendingPublish(BasicPublish publish, Message message, List<AmqpQueue> queues) {
  }

  record PendingSettle(Delivery delivery, boolean ack, boolean requeue) {
  }

  final List<PendingPublish> publishes = new ArrayList<>();
  final List<PendingSettle> settles = new ArrayList<>();

  void clear() {
    publishes.clear();
    settles.clear();
  }
}
