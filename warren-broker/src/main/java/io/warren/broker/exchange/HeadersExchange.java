package io.warren.broker.exchange;

import io.warren.broker.message.Message;
import java.util.Arrays;
import java.util.Map;

/** Routes by message headers against each binding's arguments (x-match all / any). */
public final class HeadersExchange extends Exchange {

  private static final Binding[] NONE = new Binding[0];
  private volatile Binding[] bindings = NONE;

  HeadersExchange(String name, String vhost, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    super(name, vhost, ExchangeType.HEADERS, durable, autoDelete, internal, arguments);
  }

  @Override
  void match(Message message, RouteScratch out) {
    Binding[] current = bindings;
    if (current.length == 0) {
      return;
    }
    Map<String, Object> headers = message.properties().headers();
    for (Binding b : current) {
      if (HeadersMatch.matches(b.arguments(), headers)) {
        out.add(b.destination());
      }
    }
  }

  @Override
  void indexAdd(Binding binding) {
    Binding[] copy = Arrays.copyOf(bindings, bindings.length + 1);
    copy[bindings.length] = binding;
    bindings = copy;
  }

  @Override
  void indexRemove(Binding binding) {
    bindings = Arrays.stream(bindings).filter(b -> !b.equals(binding)).toArray(Binding[]::new);
  }
}
