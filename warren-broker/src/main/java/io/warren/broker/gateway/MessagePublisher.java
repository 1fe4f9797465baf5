package io.warren.broker.gateway;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.AmqpException;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.durable.MessageRecord;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.exchange.RouteScratch;
import io.warren.broker.message.Expiration;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;
import java.util.List;

/**
 * Publishes messages into one vhost as one user, with the checks basic.publish makes: write
 * permission on the exchange, the exchange exists and is not internal, a parseable expiration.
 * A persistent message is written to the log of every durable queue it reaches; whoever needs
 * it on disk before answering its client (an MQTT PUBACK, a STOMP receipt) then asks the store
 * for a sync, as publisher confirms do.
 *
 * <p>Not thread-safe: one per connection, used on its event loop.
 */
public final class MessagePublisher {

  /** {@link #publish} outcome bits. */
  public static final int ROUTED = 1;
  /** At least one durable queue logged the message: it is on disk after the store's next sync. */
  public static final int PERSISTED = 2;
  /** A queue refused the message (x-overflow reject-publish). */
  public static final int REJECTED = 4;

  private static final int BASIC_CLASS_ID = 60;

  private final VirtualHost vhost;
  private final AccessControl access;
  private final RouteScratch scratch = new RouteScratch();

  public MessagePublisher(VirtualHost vhost, AccessControl access) {
    this.vhost = vhost;
    this.access = access;
  }

  public VirtualHost vhost() {
    return vhost;
  }

  /**
   * Routes a message through {@code exchangeName} (empty: the default exchange) and enqueues it.
   * Returns the {@link #ROUTED}, {@link #PERSISTED} and {@link #REJECTED} bits; throws
   * {@link AmqpException} (403 access refused, 404 no exchange) as basic.publish would.
   */
  public int publish(String exchangeName, String routingKey, BasicProperties properties, byte[] body) {
    access.checkWrite(AccessControl.Kind.EXCHANGE, exchangeName);
    Exchange exchange = null;
    if (!exchangeName.isEmpty()) {
      exchange = vhost.exchangeOrThrow(exchangeName);
      if (exchange.internal()) {
        throw AmqpException.accessRefused("cannot publish to internal exchange '%s' in vhost '%s'",
            exchange.name(), vhost.name());
      }
    }
    if (properties.expiration() != null) {
      Expiration.parse(properties.expiration());
    }
    Message message = new Message(exchangeName, routingKey,
        ContentHeader.of(BASIC_CLASS_ID, body.length, properties), body);
    vhost.router().route(exchange, message, scratch);
    List<AmqpQueue> queues = scratch.queues();
    int outcome = enqueueAll(message, queues);
    vhost.exchangeStats(exchange).onExchangeTraffic(1, queues.size());
    vhost.stats().onPublish();
    return outcome;
  }

  private static int enqueueAll(Message message, List<AmqpQueue> queues) {
    ByteBuf record = null;
    int outcome = 0;
    try {
      for (AmqpQueue q : queues) {
        int result;
        if (message.persistent() && q.persistsMessages()) {
          if (record == null) {
            record = MessageRecord.encode(ByteBufAllocator.DEFAULT, message);
          }
          result = q.offer(message, record);
          outcome |= PERSISTED;
        } else {
          result = q.offer(message, null);
        }
        if (result == AmqpQueue.ENQUEUED) {
          outcome |= ROUTED;
        } else if (result == AmqpQueue.REJECTED) {
          outcome |= ROUTED | REJECTED;
        }
      }
    } finally {
      if (record != null) {
        record.release();
      }
    }
    return outcome;
  }
}
