package io.warren.broker.exchange;

/** What a binding leads to: a queue, or another exchange (exchange-to-exchange binding). */
public interface BindingTarget {

  String name();
}
