package io.warren.broker.gateway;

import io.netty.util.concurrent.EventExecutor;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Consumer;
import io.warren.broker.queue.ConsumerOwner;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * One consumer on one queue for a non-AMQP connection (an MQTT session, a STOMP subscription):
 * deliveries arrive on the connection's event loop, at most {@code prefetch} unacknowledged at a
 * time, and are settled with {@link #ack}, {@link #requeue} or {@link #reject}. Cancelling
 * requeues what was delivered and not acknowledged, as closing an AMQP channel does.
 *
 * <p>Queues call {@link ConsumerOwner} methods from any thread (under their lock); everything
 * else here runs on {@code loop}.
 */
public final class QueueSubscription implements ConsumerOwner {

  /** Where deliveries go; called on the event loop, and must write (or drop) the message there and then. */
  public interface Receiver {
    void onDelivery(QueueSubscription subscription, QueueEntry entry);

    /** The queue was deleted under the subscription. */
    default void onCancelledByBroker(QueueSubscription subscription) {
    }
  }

  private final AmqpQueue queue;
  private final Consumer consumer;
  private final EventExecutor loop;
  private final Receiver receiver;
  private final BooleanSupplier writable;
  /** Delivered, not yet settled (acknowledging subscriptions only); event loop only. */
  private final Set<QueueEntry> unacked = Collections.newSetFromMap(new IdentityHashMap<>());
  private volatile boolean active;

  /**
   * Subscribes to {@code queue}. {@code noAck}: deliveries leave the queue once written;
   * otherwise at most {@code prefetch} (0 = unlimited) wait for {@link #ack}. {@code writable}
   * tells whether the connection's socket takes more now; when it turns writable again the
   * owner calls {@link #resume()}.
   */
  public static QueueSubscription start(AmqpQueue queue, String tag, boolean noAck, int prefetch,
      boolean exclusive, EventExecutor loop, BooleanSupplier writable, Receiver receiver)
      throws AmqpQueue.ExclusiveConsumerConflict {
    QueueSubscription s = new QueueSubscription(queue, tag, noAck, prefetch, exclusive, loop, writable, receiver);
    queue.addConsumer(s.consumer);
    s.active = true;
    queue.dispatch();
    return s;
  }

  private QueueSubscription(AmqpQueue queue, String tag, boolean noAck, int prefetch, boolean exclusive,
      EventExecutor loop, BooleanSupplier writable, Receiver receiver) {
    this.queue = queue;
    this.consumer = new Consumer(tag, queue, this, noAck, exclusive, prefetch, Map.of());
    this.loop = loop;
    this.receiver = receiver;
    this.writable = writable;
  }

  public AmqpQueue queue() {
    return queue;
  }

  public String tag() {
    return consumer.tag();
  }

  public boolean noAck() {
    return consumer.noAck();
  }

  public boolean isActive() {
    return active;
  }

  /** The delivery was processed: it leaves the queue. */
  public void ack(QueueEntry entry) {
    if (unacked.remove(entry)) {
      queue.settle(List.of(entry));
      consumer.returnCredit();
      queue.dispatch();
    }
  }

  /** The delivery goes back to the queue, marked redelivered. */
  public void requeue(QueueEntry entry) {
    if (unacked.remove(entry)) {
      consumer.returnCredit();
      queue.requeue(new ArrayList<>(List.of(entry)));
    }
  }

  /** The delivery is refused for good: dead-lettered if the queue says so, else dropped. */
  public void reject(QueueEntry entry) {
    if (unacked.remove(entry)) {
      queue.deadLetterRejected(entry);
      queue.settle(List.of(entry));
      consumer.returnCredit();
      queue.dispatch();
    }
  }

  /** The socket drained: the queue may deliver again. */
  public void resume() {
    if (active) {
      queue.dispatch();
    }
  }

  /** Stops consuming; unacknowledged deliveries go back to the queue (an auto-delete queue may go). */
  public void cancel() {
    if (!active) {
      return;
    }
    active = false;
    List<QueueEntry> back = new ArrayList<>(unacked);
    unacked.clear();
    back.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
    for (int i = 0; i < back.size(); i++) {
      consumer.returnCredit();
    }
    queue.requeue(back);
    queue.removeConsumer(consumer);
  }

  // ------------------------------------------------------------------------------------------
  // ConsumerOwner: called by the queue, from any thread

  @Override
  public void deliver(Consumer c, QueueEntry entry) {
    // Always as a task, even on the loop's own thread: the queue calls this under its lock, and
    // the receiver may settle the delivery at once (an MQTT QoS 0 message on a QoS 1 queue).
    loop.execute(() -> write(entry));
  }

  private void write(QueueEntry entry) {
    if (!active) {
      if (!consumer.noAck()) {
        consumer.returnCredit();
      }
      queue.putBack(entry, !consumer.noAck());
      return;
    }
    if (!consumer.noAck()) {
      unacked.add(entry);
    }
    receiver.onDelivery(this, entry);
    if (consumer.noAck()) {
      queue.forgetWritten(entry);
    }
  }

  @Override
  public void cancelByBroker(Consumer c) {
    loop.execute(() -> {
      if (active) {
        active = false;
        unacked.clear();
        receiver.onCancelledByBroker(this);
      }
    });
  }

  @Override
  public boolean hasChannelCredit() {
    return true;
  }

  @Override
  public void takeChannelCredit() {
    // no channel-wide limit: the consumer's own prefetch is the only one
  }

  @Override
  public boolean acceptsDeliveries() {
    return active && writable.getAsBoolean();
  }
}
