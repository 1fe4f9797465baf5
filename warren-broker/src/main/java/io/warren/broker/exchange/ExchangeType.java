package io.warren.broker.exchange;

import java.util.Optional;

/** The exchange types Warren knows, by the names clients declare them with. */
public enum ExchangeType {
  DIRECT("direct"),
  FANOUT("fanout"),
  TOPIC("topic"),
  HEADERS("headers");

  private final String amqpName;

  ExchangeType(String amqpName) {
    this.amqpName = amqpName;
  }

  public String amqpName() {
    return amqpName;
  }

  public static Optional<ExchangeType> fromName(String name) {
    for (ExchangeType t : values()) {
      if (t.amqpName.equals(name)) {
        return Optional.of(t);
      }
    }
    return Optional.empty();
  }
}
