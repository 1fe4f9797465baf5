package io.warren.broker.exchange;

import io.warren.broker.message.Message;
import java.util.Map;

/** Routes to every binding, whatever the routing key. */
public final class FanoutExchange extends Exchange {

  private volatile BindingTarget[] targets = Targets.NONE;

  FanoutExchange(String name, String vhost, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    super(name, vhost, ExchangeType.FANOUT, durable, autoDelete, internal, arguments);
  }

  @Override
  void match(Message message, RouteScratch out) {
    for (BindingTarget t : targets) {
      out.add(t);
    }
  }

  @Override
  void indexAdd(Binding binding) {
    targets = Targets.with(targets, binding.destination());
  }

  @Override
  void indexRemove(Binding binding) {
    BindingTarget[] left = Targets.without(targets, binding.destination());
    targets = left == null ? Targets.NONE : left;
  }
}
