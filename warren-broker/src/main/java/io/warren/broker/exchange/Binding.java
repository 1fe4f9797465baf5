package io.warren.broker.exchange;

import java.util.Map;

/**
 * A binding from an exchange to a queue or exchange. Two bindings are the same binding when
 * source, destination, binding key and arguments are all equal, as in RabbitMQ.
 */
public record Binding(Exchange source, BindingTarget destination, String bindingKey, Map<String, Object> arguments) {

  public Binding {
    arguments = arguments == null ? Map.of() : arguments;
  }
}
