package io.warren.broker.queue;

import io.warren.broker.AmqpException;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.exchange.RouteScratch;
import io.warren.broker.message.Message;
import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;
import io.warren.codec.LongString;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead-lettering (x-dead-letter-exchange, x-dead-letter-routing-key): messages rejected without
 * requeue, expired, or dropped by a length limit are republished to the queue's dead-letter
 * exchange with the x-death history RabbitMQ 3.10 writes. Like RabbitMQ it is at-most-once:
 * nothing waits for the target queues, and a missing exchange means the message is dropped.
 *
 * <p>The queue collects dead letters under its lock ({@link #add}) and publishes them after
 * releasing it ({@link #publish}): the target may be the queue itself, or dead-letter back.
 */
final class DeadLetterer {

  static final String REJECTED = "rejected";
  static final String EXPIRED = "expired";
  static final String MAXLEN = "maxlen";

  private record DeadLetter(Message message, String reason) {
  }

  private final AmqpQueue queue;
  private final AmqpQueue.Owner owner;
  private final String exchange;
  /** Null: the message keeps its routing keys. */
  private final String routingKey;
  /** Guarded by the queue's lock. */
  private ArrayList<DeadLetter> pending;

  private DeadLetterer(AmqpQueue queue, AmqpQueue.Owner owner, String exchange, String routingKey) {
    this.queue = queue;
    this.owner = owner;
    this.exchange = exchange;
    this.routingKey = routingKey;
  }

  /** The queue's dead-letterer, or null when it has no x-dead-letter-exchange. */
  static DeadLetterer from(AmqpQueue queue, Map<String, Object> arguments, AmqpQueue.Owner owner) {
    Object x = arguments.get("x-dead-letter-exchange");
    if (x == null || owner == null) {
      return null;
    }
    Object rk = arguments.get("x-dead-letter-routing-key");
    return new DeadLetterer(queue, owner, x.toString(), rk == null ? null : rk.toString());
  }

  /** Under the queue's lock. */
  void add(Message message, String reason) {
    if (pending == null) {
      pending = new ArrayList<>();
    }
    pending.add(new DeadLetter(message, reason));
  }

  /** Under the queue's lock: what to publish once it is released, or null. */
  List<DeadLetter> takePending() {
    if (pending == null || pending.isEmpty()) {
      return null;
    }
    List<DeadLetter> taken = pending;
    pending = null;
    return taken;
  }

  /** Outside the queue's lock. */
  void publish(List<DeadLetter> letters) {
    Exchange x = exchange.isEmpty() ? null : owner.exchange(exchange);
    if (x == null && !exchange.isEmpty()) {
      return; // RabbitMQ drops the message when the dead-letter exchange does not exist
    }
    RouteScratch scratch = new RouteScratch();
    for (DeadLetter letter : letters) {
      Message dead = deadLettered(letter.message(), letter.reason());
      try {
        owner.router().route(x, withBccHeader(dead), scratch);
      } catch (AmqpException e) {
        continue; // an unroutable header (malformed CC): nothing to deliver
      }
      List<Object> deaths = deaths(dead);
      for (AmqpQueue target : List.copyOf(scratch.queues())) {
        if (letter.reason().equals(REJECTED) || !isCycle(target.name(), deaths)) {
          target.enqueueDeadLetter(dead);
        }
      }
    }
  }

  /**
   * The message as it is republished: x-death gains (or counts again) the entry for this queue
   * and reason, which moves to the front; the first death is also recorded in top-level
   * x-first-death-* headers; the expiration goes (kept as original-expiration) so the message
   * does not expire again on the strength of it; with a dead-letter routing key, CC goes too.
   */
  Message deadLettered(Message m, String reason) {
    BasicProperties props = m.properties();
    Map<String, Object> headers = props.headers() == null ? new LinkedHashMap<>() : new LinkedHashMap<>(props.headers());
    List<Object> routingKeys = new ArrayList<>();
    routingKeys.add(m.routingKey());
    if (headers.get("CC") instanceof List<?> cc) {
      for (Object key : cc) {
        if (key instanceof LongString || key instanceof String) {
          routingKeys.add(key.toString());
        }
      }
    }
    Map<String, Object> death = new LinkedHashMap<>();
    death.put("count", 1L);
    death.put("reason", reason);
    death.put("queue", queue.name());
    death.put("time", new Date(System.currentTimeMillis() / 1000 * 1000));
    death.put("exchange", m.exchange());
    death.put("routing-keys", routingKeys);
    if (props.expiration() != null) {
      death.put("original-expiration", props.expiration());
    }
    List<Object> deaths = new ArrayList<>();
    if (headers.get("x-death") instanceof List<?> previous) {
      Map<String, Object> again = null;
      for (Object d : previous) {
        if (again == null && d instanceof Map<?, ?> table && same(table.get("queue"), queue.name())
            && same(table.get("reason"), reason)) {
          again = new LinkedHashMap<>();
          for (Map.Entry<?, ?> e : table.entrySet()) {
            again.put(e.getKey().toString(), e.getValue());
          }
          again.put("count", (again.get("count") instanceof Number n ? n.longValue() : 0L) + 1);
        } else {
          deaths.add(d);
        }
      }
      deaths.add(0, again != null ? again : death);
    } else {
      headers.put("x-first-death-reason", reason);
      headers.put("x-first-death-queue", queue.name());
      headers.put("x-first-death-exchange", m.exchange());
      deaths.add(death);
    }
    headers.put("x-death", deaths);
    if (routingKey != null) {
      headers.remove("CC");
    }
    BasicProperties dead = props.withHeaders(headers).withExpiration(null);
    Message republished = new Message(exchange, routingKey != null ? routingKey : m.routingKey(),
        ContentHeader.of(m.header().classId(), m.bodySize(), dead.encode()), m.body());
    return routingKey != null ? republished : republished.withBccKeys(m.bccKeys());
  }

  /**
   * Without a dead-letter routing key the message routes by all its original keys, BCC ones
   * included (RabbitMQ keeps them with the message); the router reads them from the header.
   */
  private static Message withBccHeader(Message dead) {
    if (dead.bccKeys().isEmpty()) {
      return dead;
    }
    Map<String, Object> headers = new LinkedHashMap<>(dead.properties().headers());
    headers.put("BCC", dead.bccKeys());
    return dead.withProperties(dead.properties().withHeaders(headers));
  }

  private static boolean same(Object value, String s) {
    return value != null && value.toString().equals(s);
  }

  @SuppressWarnings("unchecked")
  private static List<Object> deaths(Message dead) {
    return (List<Object>) dead.properties().headers().get("x-death");
  }

  /**
   * RabbitMQ's cycle rule: a message that died in {@code target} before, and whose every death
   * since then (that one included) was automatic (not a rejection), would go round forever; it
   * is dropped instead. A rejection in between means a client is involved, so it goes on.
   */
  static boolean isCycle(String target, List<Object> deaths) {
    for (int i = 0; i < deaths.size(); i++) {
      if (deaths.get(i) instanceof Map<?, ?> d && same(d.get("queue"), target)) {
        for (int j = 0; j <= i; j++) {
          if (!(deaths.get(j) instanceof Map<?, ?> e) || same(e.get("reason"), REJECTED)) {
            return false;
          }
        }
        return true;
      }
    }
    return false;
  }
}
