package io.warren.broker.exchange;

import io.warren.broker.MessageStats;
import io.warren.broker.message.Message;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An exchange: a name, its declared properties and its bindings. Each type only decides which of
 * its bindings a message matches ({@link #match}); the walk across exchange-to-exchange
 * bindings and alternate exchanges is {@link Router}'s, written once for all types.
 *
 * <p>Threading: bindings change on any connection's thread under this object's monitor; routing
 * runs concurrently without locks against the type's own thread-safe index.
 */
public abstract sealed class Exchange implements BindingTarget
    permits DirectExchange, FanoutExchange, TopicExchange, HeadersExchange {

  private final String name;
  private final String vhost;
  private final ExchangeType type;
  private final boolean durable;
  private final boolean autoDelete;
  private final boolean internal;
  private final Map<String, Object> arguments;
  private final Set<Binding> bindings = new LinkedHashSet<>();
  /** publish_in / publish_out, added to by channels a batch at a time ({@code ExchangeTraffic}). */
  private final MessageStats stats = MessageStats.shared();
  private volatile boolean deleted;

  Exchange(String name, String vhost, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
      Map<String, Object> arguments) {
    this.name = name;
    this.vhost = vhost;
    this.type = type;
    this.durable = durable;
    this.autoDelete = autoDelete;
    this.internal = internal;
    // not Map.copyOf: a field table may hold void (null) values, which RabbitMQ accepts
    this.arguments = Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
  }

  /** Creates an exchange of the given type. */
  public static Exchange create(String name, String vhost, ExchangeType type, boolean durable, boolean autoDelete,
      boolean internal, Map<String, Object> arguments) {
    return switch (type) {
      case DIRECT -> new DirectExchange(name, vhost, durable, autoDelete, internal, arguments);
      case FANOUT -> new FanoutExchange(name, vhost, durable, autoDelete, internal, arguments);
      case TOPIC -> new TopicExchange(name, vhost, durable, autoDelete, internal, arguments);
      case HEADERS -> new HeadersExchange(name, vhost, durable, autoDelete, internal, arguments);
    };
  }

  /** Reports every binding target the message matches (duplicates allowed; the router dedups). */
  abstract void match(Message message, RouteScratch out);

  abstract void indexAdd(Binding binding);

  abstract void indexRemove(Binding binding);

  /** Adds a binding; false if the identical binding already existed. */
  public synchronized boolean bind(Binding binding) {
    if (!bindings.add(binding)) {
      return false;
    }
    indexAdd(binding);
    return true;
  }

  /** Removes a binding; false if there was no such binding. */
  public synchronized boolean unbind(Binding binding) {
    if (!bindings.remove(binding)) {
      return false;
    }
    indexRemove(binding);
    return true;
  }

  public synchronized boolean hasBinding(Binding binding) {
    return bindings.contains(binding);
  }

  /** Removes every binding to {@code destination} and returns them. */
  public synchronized List<Binding> unbindAll(BindingTarget destination) {
    List<Binding> removed = new ArrayList<>();
    for (Binding b : bindings) {
      if (b.destination() == destination) {
        removed.add(b);
      }
    }
    for (Binding b : removed) {
      bindings.remove(b);
      indexRemove(b);
    }
    return removed;
  }

  public synchronized List<Binding> bindings() {
    return List.copyOf(bindings);
  }

  public synchronized boolean hasBindings() {
    return !bindings.isEmpty();
  }

  @Override
  public String name() {
    return name;
  }

  public String vhost() {
    return vhost;
  }

  public ExchangeType type() {
    return type;
  }

  public boolean durable() {
    return durable;
  }

  public boolean autoDelete() {
    return autoDelete;
  }

  public MessageStats stats() {
    return stats;
  }

  public boolean internal() {
    return internal;
  }

  public Map<String, Object> arguments() {
    return arguments;
  }

  /** The exchange named by the alternate-exchange argument, or null. */
  public String alternateExchange() {
    Object ae = arguments.get("alternate-exchange");
    return ae == null ? null : ae.toString();
  }

  public boolean isDeleted() {
    return deleted;
  }

  public void markDeleted() {
    deleted = true;
  }

  @Override
  public String toString() {
    return "exchange '" + name + "' in vhost '" + vhost + "'";
  }
}
