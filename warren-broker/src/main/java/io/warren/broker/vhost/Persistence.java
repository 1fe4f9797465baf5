package io.warren.broker.vhost;

import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.MessagePaging;
import io.warren.store.QueueLog;

/**
 * Where a vhost reports changes to its durable definitions. The vhost decides what is durable
 * (durable exchanges, durable non-exclusive queues, bindings whose both ends are durable, as in
 * RabbitMQ) and calls these under its own lock, in the order the changes happen.
 */
public interface Persistence {

  void exchangeAdded(Exchange exchange);

  void exchangeRemoved(Exchange exchange);

  /** A durable queue was declared; returns the log its persistent messages go to. */
  QueueLog queueAdded(AmqpQueue queue);

  void queueRemoved(AmqpQueue queue);

  void bindingAdded(Binding binding);

  void bindingRemoved(Binding binding);

  /** How queues page messages out of memory; null when nothing can be written to disk. */
  MessagePaging paging();

  /** For brokers without a data folder (and for tests): nothing is kept. */
  Persistence NONE = new Persistence() {
    @Override
    public void exchangeAdded(Exchange exchange) {
    }

    @Override
    public void exchangeRemoved(Exchange exchange) {
    }

    @Override
    public QueueLog queueAdded(AmqpQueue queue) {
      return null;
    }

    @Override
    public void queueRemoved(AmqpQueue queue) {
    }

    @Override
    public void bindingAdded(Binding binding) {
    }

    @Override
    public void bindingRemoved(Binding binding) {
    }

    @Override
    public MessagePaging paging() {
      return null;
    }
  };
}
