package io.warren.broker.exchange;

import io.warren.broker.message.Message;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Routes to the bindings whose key equals the routing key. */
public final class DirectExchange extends Exchange {

  /** Binding key → targets; arrays are replaced, never mutated, so routing reads need no lock. */
  private final ConcurrentHashMap<String, BindingTarget[]> byKey = new ConcurrentHashMap<>();

  DirectExchange(String name, String vhost, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    super(name, vhost, ExchangeType.DIRECT, durable, autoDelete, internal, arguments);
  }

  @Override
  void match(Message message, RouteScratch out) {
    BindingTarget[] targets = byKey.get(out.routingKey());
    if (targets != null) {
      for (BindingTarget t : targets) {
        out.add(t);
      }
    }
  }

  @Override
  void indexAdd(Binding binding) {
    byKey.compute(binding.bindingKey(), (k, old) -> Targets.with(old, binding.destination()));
  }

  @Override
  void indexRemove(Binding binding) {
    byKey.computeIfPresent(binding.bindingKey(), (k, old) -> Targets.without(old, binding.destination()));
  }
}
