package io.warren.broker.exchange;

import io.warren.broker.AmqpException;
import io.warren.broker.message.FieldTypes;
import io.warren.broker.message.Message;
import io.warren.broker.message.PropertyFlags;
import io.warren.broker.queue.AmqpQueue;
import io.warren.codec.LongString;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds the queues a published message goes to. The one walk shared by every exchange type:
 * the default exchange, exchange-to-exchange bindings (each exchange visited once, so cycles
 * are harmless), alternate exchanges (tried when an exchange itself matched nothing), and
 * RabbitMQ's sender-selected distribution (extra routing keys in the CC and BCC headers).
 */
public final class Router {

  private final Function<String, Exchange> exchanges;
  private final Function<String, AmqpQueue> queues;

  public Router(Function<String, Exchange> exchanges, Function<String, AmqpQueue> queues) {
    this.exchanges = exchanges;
    this.queues = queues;
  }

  /**
   * Routes through {@code exchange} (null means the default exchange) and leaves the matched
   * queues in {@code out.queues()}.
   *
   * <p>As in RabbitMQ, the CC and BCC keys join the message's routing key for the whole walk:
   * every exchange reached, including through exchange-to-exchange bindings, is matched against
   * all of them, and its alternate exchange is used only when none of them matched there.
   */
  public void route(Exchange exchange, Message message, RouteScratch out) {
    out.reset(message.routingKey());
    if (PropertyFlags.hasHeaders(message)) {
      Map<String, Object> headers = message.properties().headers();
      if (headers != null) {
        addExtraKeys("CC", headers.get("CC"), out);
        addExtraKeys("BCC", headers.get("BCC"), out);
      }
    }
    if (exchange == null) {
      for (int k = 0, n = out.routingKeyCount(); k < n; k++) {
        AmqpQueue q = queues.apply(out.selectRoutingKey(k));
        if (q != null) {
          out.addQueue(q);
        }
      }
      return;
    }
    out.markVisited(exchange);
    matchWithAlternate(exchange, message, out);
    for (Exchange x = out.nextToVisit(); x != null; x = out.nextToVisit()) {
      matchWithAlternate(x, message, out);
    }
  }

  private static void addExtraKeys(String header, Object keys, RouteScratch out) {
    if (keys == null) {
      return;
    }
    if (!(keys instanceof List<?> list)) {
      throw AmqpException.preconditionFailed("invalid message: {unacceptable_type_in_header,\"%s\",%s}",
          header, FieldTypes.rabbitName(keys));
    }
    for (Object key : list) {
      // RabbitMQ takes the long strings of the array and ignores any other element
      if (key instanceof LongString || key instanceof String) {
        out.addRoutingKey(key.toString());
      }
    }
  }

  private void matchWithAlternate(Exchange x, Message message, RouteScratch out) {
    int before = out.addedCount();
    for (int k = 0, n = out.routingKeyCount(); k < n; k++) {
      out.selectRoutingKey(k);
      x.match(message, out);
    }
    if (out.addedCount() == before) {
      String ae = x.alternateExchange();
      if (ae != null) {
        Exchange alternate = exchanges.apply(ae);
        if (alternate != null) {
          out.add(alternate);
        }
      }
    }
  }
}
