package io.warren.management.http;

import static io.warren.broker.auth.AccessControl.Kind.EXCHANGE;
import static io.warren.broker.auth.AccessControl.Kind.QUEUE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.durable.MessageRecord;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.exchange.ExchangeType;
import io.warren.broker.exchange.RouteScratch;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;
import io.warren.codec.LongString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the management API changes, done as the calling user would do it over AMQP: the same
 * vhost methods, after the same permission checks in the same order as the channel makes them
 * (RabbitMQ's management plugin runs these as AMQP methods on the user's behalf). Broker
 * errors come out as {@link AmqpException}s for the caller to translate.
 */
final class Operations {

  /** basic.get's content class. */
  private static final int BASIC_CLASS = 60;

  private final Broker broker;

  Operations(Broker broker) {
    this.broker = broker;
  }

  AccessControl access(Call call, VirtualHost vhost) {
    return new AccessControl(call.user().name(), vhost.name(), broker.permissions());
  }

  /** queue.declare; true if the queue was created. */
  boolean declareQueue(Call call, VirtualHost v, String name, boolean durable, boolean autoDelete,
      Map<String, Object> arguments) {
    boolean exists = v.queue(name) != null;
    AccessControl access = access(call, v);
    if (exists || !name.startsWith("amq.")) {
      access.checkConfigure(QUEUE, name);
    }
    Object dlx = arguments.get("x-dead-letter-exchange");
    if (!exists && dlx instanceof LongString) {
      access.checkRead(QUEUE, name);
      access.checkWrite(EXCHANGE, dlx.toString());
    }
    v.declareQueue(name, false, durable, false, autoDelete, arguments, null);
    return !exists;
  }

  void deleteQueue(Call call, VirtualHost v, String name, boolean ifUnused, boolean ifEmpty) {
    access(call, v).checkConfigure(QUEUE, name);
    v.deleteQueue(name, ifUnused, ifEmpty, null);
  }

  int purgeQueue(Call call, VirtualHost v, String name) {
    access(call, v).checkRead(QUEUE, name);
    return v.purgeQueue(name, null);
  }

  /** exchange.declare; true if the exchange was created. */
  boolean declareExchange(Call call, VirtualHost v, String name, String type, boolean durable, boolean autoDelete,
      boolean internal, Map<String, Object> arguments) {
    boolean exists = v.exchange(name) != null;
    if (!name.isEmpty() && ExchangeType.fromName(type).isPresent()) {
      AccessControl access = access(call, v);
      access.checkConfigure(EXCHANGE, name);
      Object alternate = arguments.get("alternate-exchange");
      if (alternate != null && !exists && !name.startsWith("amq.")) {
        access.checkRead(EXCHANGE, name);
        access.checkWrite(EXCHANGE, alternate.toString());
      }
    }
    v.declareExchange(name, type, durable, autoDelete, internal, arguments);
    return !exists;
  }

  void deleteExchange(Call call, VirtualHost v, String name, boolean ifUnused) {
    if (!name.isEmpty() && !name.startsWith("amq.")) {
      access(call, v).checkConfigure(EXCHANGE, name);
    }
    v.deleteExchange(name, ifUnused);
  }

  /** queue.bind / exchange.bind: write on the destination, read on the source. */
  void bind(Call call, VirtualHost v, String source, BindingTarget destination, boolean toQueue, String key,
      Map<String, Object> arguments) {
    checkBind(call, v, source, destination.name(), toQueue);
    v.bind(source, destination, key, arguments);
  }

  void unbind(Call call, VirtualHost v, String source, BindingTarget destination, boolean toQueue, String key,
      Map<String, Object> arguments) {
    checkBind(call, v, source, destination.name(), toQueue);
    v.unbind(source, destination, key, arguments);
  }

  private void checkBind(Call call, VirtualHost v, String source, String destination, boolean toQueue) {
    AccessControl access = access(call, v);
    access.checkWrite(toQueue ? QUEUE : EXCHANGE, destination);
    if (!source.isEmpty()) {
      access.checkRead(EXCHANGE, source);
    }
  }

  /** basic.publish (mandatory, as the management plugin publishes); true if a queue took it. */
  boolean publish(Call call, VirtualHost v, String exchangeName, String routingKey, BasicProperties properties,
      byte[] body) {
    access(call, v).checkWrite(EXCHANGE, exchangeName);
    Exchange exchange = null;
    if (!exchangeName.isEmpty()) {
      exchange = v.exchangeOrThrow(exchangeName);
      if (exchange.internal()) {
        throw AmqpException.accessRefused("cannot publish to internal exchange '%s' in vhost '%s'", exchangeName,
            v.name());
      }
    }
    if (properties.userId() != null && !properties.userId().equals(call.user().name())
        && !call.user().tags().contains("impersonator")) {
      throw AmqpException.preconditionFailed("user_id property set to '%s' but authenticated user was '%s'",
          properties.userId(), call.user().name());
    }
    Message message = new Message(exchangeName, routingKey, ContentHeader.of(BASIC_CLASS, body.length, properties),
        body);
    RouteScratch scratch = new RouteScratch();
    v.router().route(exchange, message, scratch);
    List<AmqpQueue> queues = new ArrayList<>(scratch.queues());
    v.stats().onPublish();
    v.exchangeStats(exchange).onExchangeTraffic(1, queues.size());
    if (queues.isEmpty()) {
      v.stats().onUnroutable(true);
      return false;
    }
    ByteBuf record = null;
    try {
      for (AmqpQueue q : queues) {
        if (message.persistent() && q.persistsMessages()) {
          if (record == null) {
            record = MessageRecord.encode(ByteBufAllocator.DEFAULT, message);
          }
          q.enqueue(message, record);
        } else {
          q.enqueue(message);
        }
      }
    } finally {
      if (record != null) {
        record.release();
      }
    }
    return true;
  }

  /** basic.get for the management API: entries taken unacknowledged (or acked at once). */
  List<QueueEntry> get(Call call, VirtualHost v, String queueName, int count, boolean noAck) {
    access(call, v).checkRead(QUEUE, queueName);
    AmqpQueue q = v.queueOrThrow(queueName);
    v.checkExclusiveAccess(q, null);
    List<QueueEntry> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      QueueEntry e = q.poll(noAck);
      if (e == null) {
        break;
      }
      taken.add(e);
    }
    return taken;
  }

  /** An AMQP error as RabbitMQ's with_channel reports it (404, 401 or 400 "CODE TEXT"). */
  static ApiException overChannel(AmqpException e) {
    return switch (e.code()) {
      case NOT_FOUND -> ApiException.notFound(e.replyText());
      case ACCESS_REFUSED -> ApiException.notAuthorised(e.replyText());
      default -> ApiException.badRequest(e.code().code() + " " + e.replyText());
    };
  }
}
