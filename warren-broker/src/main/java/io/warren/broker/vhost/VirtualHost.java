package io.warren.broker.vhost;

import io.warren.broker.AmqpException;
import io.warren.broker.MessageStats;
import io.warren.broker.cluster.MetadataChange;
import io.warren.broker.cluster.MetadataStore;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.exchange.ExchangeType;
import io.warren.broker.exchange.HeadersMatch;
import io.warren.broker.exchange.Router;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.ConsumerOwner;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A virtual host: its exchanges, queues and bindings, and the rules for changing them, with
 * RabbitMQ's checks and error texts. Lookups are lock-free (routing reads them on every publish);
 * changes to the topology are serialised on this object, they are rare.
 *
 * <p>In a cluster, each public change method hands the change to the {@link MetadataStore}
 * (without holding this object's lock, since the change comes back to this node to be applied);
 * the {@code ...Locally} methods are what applying it runs on every node.
 */
public final class VirtualHost implements AmqpQueue.Owner {

  /** The default exchange's name: every queue is reachable through it by its own name. */
  public static final String DEFAULT_EXCHANGE = "";

  private final String name;
  private final ConcurrentHashMap<String, Exchange> exchanges = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AmqpQueue> queues = new ConcurrentHashMap<>();
  private final Router router = new Router(exchanges::get, queues::get);
  /** Direct reply-to: the channel consuming amq.rabbitmq.reply-to, by the key in its reply address. */
  private final ConcurrentHashMap<String, ConsumerOwner> replyConsumers = new ConcurrentHashMap<>();

  private final Persistence persistence;
  /** Null on a single node: changes are made here directly. */
  private final MetadataStore metadata;
  private final MessageStats stats = MessageStats.shared();
  /** The default exchange's publish_in / publish_out (it has no Exchange object). */
  private final MessageStats defaultExchangeStats = MessageStats.shared();

  /** A vhost whose definitions and messages are not kept anywhere (tests, tools). */
  public VirtualHost(String name) {
    this(name, Persistence.NONE);
  }

  public VirtualHost(String name, Persistence persistence) {
    this(name, persistence, null);
  }

  public VirtualHost(String name, Persistence persistence, MetadataStore metadata) {
    this.name = name;
    this.persistence = persistence;
    this.metadata = metadata;
    for (ExchangeType type : ExchangeType.values()) {
      addExchange("amq." + type.amqpName(), type);
    }
    addExchange("amq.match", ExchangeType.HEADERS);
  }

  private void addExchange(String exchangeName, ExchangeType type) {
    exchanges.put(exchangeName, Exchange.create(exchangeName, name, type, true, false, false, Map.of()));
  }

  public String name() {
    return name;
  }

  /** Message counters of every channel that worked in this vhost (management API, Prometheus). */
  public MessageStats stats() {
    return stats;
  }

  public MessageStats defaultExchangeStats() {
    return defaultExchangeStats;
  }

  /** An exchange's publish_in / publish_out counters; {@code null} stands for the default exchange. */
  public MessageStats exchangeStats(Exchange exchange) {
    return exchange == null ? defaultExchangeStats : exchange.stats();
  }

  public Router router() {
    return router;
  }

  // ---- lookups ----

  /** The exchange, or null; the default exchange ("") is null too: it has no object. */
  public Exchange exchange(String exchangeName) {
    return exchanges.get(exchangeName);
  }

  /** The exchange for a publish or bind, or 404 as RabbitMQ words it. */
  public Exchange exchangeOrThrow(String exchangeName) {
    Exchange x = exchanges.get(exchangeName);
    if (x == null) {
      throw AmqpException.notFound("no exchange '%s' in vhost '%s'", exchangeName, name);
    }
    return x;
  }

  public AmqpQueue queue(String queueName) {
    return queues.get(queueName);
  }

  public AmqpQueue queueOrThrow(String queueName) {
    AmqpQueue q = queues.get(queueName);
    if (q == null) {
      throw AmqpException.notFound("no queue '%s' in vhost '%s'", queueName, name);
    }
    return q;
  }

  public Collection<Exchange> exchanges() {
    return exchanges.values();
  }

  public Collection<AmqpQueue> queues() {
    return queues.values();
  }

  public void registerReplyConsumer(String key, ConsumerOwner channel) {
    replyConsumers.put(key, channel);
  }

  public void unregisterReplyConsumer(String key) {
    replyConsumers.remove(key);
  }

  /** The channel whose reply consumer owns this key, or null. */
  public ConsumerOwner replyConsumer(String key) {
    return replyConsumers.get(key);
  }

  // ---- exchanges ----

  /** exchange.declare (not passive). Returns the existing or new exchange. */
  public Exchange declareExchange(String exchangeName, String typeName, boolean durable,
      boolean autoDelete, boolean internal, Map<String, Object> arguments) {
    if (metadata == null) {
      return declareExchangeLocally(exchangeName, typeName, durable, autoDelete, internal, arguments);
    }
    checkExchangeDeclarable(exchangeName, typeName, durable, autoDelete, internal, arguments);
    metadata.commit(new MetadataChange.DeclareExchange(name, exchangeName, typeName, durable, autoDelete, internal,
        arguments));
    return exchangeOrThrow(exchangeName);
  }

  public synchronized Exchange declareExchangeLocally(String exchangeName, String typeName, boolean durable,
      boolean autoDelete, boolean internal, Map<String, Object> arguments) {
    ExchangeType type = checkExchangeDeclarable(exchangeName, typeName, durable, autoDelete, internal, arguments);
    Exchange existing = exchanges.get(exchangeName);
    if (existing != null) {
      return existing;
    }
    Exchange x = Exchange.create(exchangeName, name, type, durable, autoDelete, internal, arguments);
    if (durable) {
      persistence.exchangeAdded(x);
    }
    exchanges.put(exchangeName, x);
    return x;
  }

  /**
   * What {@link #declareExchange} would refuse (unknown type, a reserved or default name, an
   * inequivalent existing exchange), checked without declaring anything: a definitions import
   * validates the whole file before it changes the broker. Returns the type.
   */
  public synchronized ExchangeType checkExchangeDeclarable(String exchangeName, String typeName, boolean durable,
      boolean autoDelete, boolean internal, Map<String, Object> arguments) {
    ExchangeType type = ExchangeType.fromName(typeName)
        .orElseThrow(() -> AmqpException.commandInvalid("unknown exchange type '%s'", typeName));
    checkNotDefaultExchange(exchangeName);
    Exchange existing = exchanges.get(exchangeName);
    if (existing == null) {
      checkNotReserved("exchange", exchangeName);
      return type;
    }
    checkEquivalent("exchange", exchangeName, "type", typeName, existing.type().amqpName());
    checkEquivalent("exchange", exchangeName, "durable", durable, existing.durable());
    checkEquivalent("exchange", exchangeName, "auto_delete", autoDelete, existing.autoDelete());
    checkEquivalent("exchange", exchangeName, "internal", internal, existing.internal());
    checkArgumentEquivalent("exchange", exchangeName, "alternate-exchange", arguments, existing.arguments());
    return type;
  }

  /** exchange.declare with passive set. */
  public Exchange checkExchangeExists(String exchangeName) {
    checkNotDefaultExchange(exchangeName);
    return exchangeOrThrow(exchangeName);
  }

  /** exchange.delete: a missing exchange is fine (RabbitMQ 3.x); one still bound with if-unused is not. */
  public void deleteExchange(String exchangeName, boolean ifUnused) {
    if (metadata == null) {
      deleteExchangeLocally(exchangeName, ifUnused);
    } else {
      metadata.commit(new MetadataChange.DeleteExchange(name, exchangeName, ifUnused));
    }
  }

  public synchronized void deleteExchangeLocally(String exchangeName, boolean ifUnused) {
    checkNotDefaultExchange(exchangeName);
    if (exchangeName.startsWith("amq.") && isPredeclared(exchangeName)) {
      throw AmqpException.accessRefused("deletion of system exchange '%s' in vhost '%s' not allowed",
          exchangeName, name);
    }
    Exchange x = exchanges.get(exchangeName);
    if (x == null) {
      return;
    }
    if (ifUnused && x.hasBindings()) {
      throw AmqpException.preconditionFailed("exchange '%s' in vhost '%s' in use", exchangeName, name);
    }
    removeExchange(x);
  }

  private static boolean isPredeclared(String exchangeName) {
    return switch (exchangeName) {
      case "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match" -> true;
      default -> false;
    };
  }

  private void removeExchange(Exchange x) {
    exchanges.remove(x.name(), x);
    x.markDeleted();
    if (x.durable()) {
      persistence.exchangeRemoved(x); // its durable bindings go with it
    }
    // Bindings to this exchange from other exchanges go with it.
    for (Exchange source : exchanges.values()) {
      if (!source.unbindAll(x).isEmpty()) {
        autoDeleteIfUnbound(source);
      }
    }
  }

  // ---- queues ----

  /**
   * queue.declare (not passive) by {@code connection}; returns the existing or new queue.
   * {@code serverNamed} is true when the broker chose the name (it may then start with "amq.").
   */
  public AmqpQueue declareQueue(String queueName, boolean serverNamed, boolean durable, boolean exclusive,
      boolean autoDelete, Map<String, Object> arguments, Object connection) {
    // Exclusive queues live and die with their connection on this node: they are not shared.
    // Redeclaring an existing queue changes nothing, so it needs no commit either.
    if (metadata == null || exclusive || queues.containsKey(queueName)) {
      return declareQueueLocally(queueName, serverNamed, durable, exclusive, autoDelete, arguments, connection, null);
    }
    // refused here before anything is proposed; every member checks again as it applies
    checkQueueDeclarable(queueName, serverNamed, durable, exclusive, autoDelete, arguments, connection);
    metadata.commit(new MetadataChange.DeclareQueue(name, queueName, serverNamed, durable, autoDelete, arguments,
        metadata.localNode()));
    return queueOrThrow(queueName);
  }

  /**
   * Declares the queue here. {@code homeNode} is null for a queue whose messages live on this
   * node, else the node they live on (this node then keeps the definition only).
   */
  public synchronized AmqpQueue declareQueueLocally(String queueName, boolean serverNamed, boolean durable,
      boolean exclusive, boolean autoDelete, Map<String, Object> arguments, Object connection, String homeNode) {
    checkQueueDeclarable(queueName, serverNamed, durable, exclusive, autoDelete, arguments, connection);
    AmqpQueue existing = queues.get(queueName);
    if (existing == null) {
      AmqpQueue q = new AmqpQueue(queueName, name, durable, autoDelete, exclusive ? connection : null, arguments,
          this);
      if (homeNode != null) {
        q.homeOn(homeNode);
      } else {
        q.attachStorage(isDurable(q) ? persistence.queueAdded(q) : null, persistence.paging());
      }
      queues.put(queueName, q);
      return q;
    }
    existing.renewLease();
    return existing;
  }

  /**
   * What {@link #declareQueue} would refuse (a reserved name, invalid arguments, another
   * connection's exclusive queue, an inequivalent existing queue), checked without declaring.
   */
  public synchronized void checkQueueDeclarable(String queueName, boolean serverNamed, boolean durable,
      boolean exclusive, boolean autoDelete, Map<String, Object> arguments, Object connection) {
    AmqpQueue existing = queues.get(queueName);
    if (existing == null) {
      if (!serverNamed) {
        checkNotReserved("queue", queueName);
      }
      QueueArguments.validate(queueName, name, arguments);
      return;
    }
    checkExclusiveAccess(existing, connection);
    if (exclusive != existing.exclusive()) {
      throw lockedQueue(existing);
    }
    checkEquivalent("queue", queueName, "durable", durable, existing.durable());
    checkEquivalent("queue", queueName, "auto_delete", autoDelete, existing.autoDelete());
    QueueArguments.checkEquivalent(queueName, name, arguments, existing.arguments());
  }

  /** queue.declare with passive set. */
  public AmqpQueue checkQueueExists(String queueName, Object connection) {
    AmqpQueue q = queueOrThrow(queueName);
    checkExclusiveAccess(q, connection);
    q.renewLease();
    return q;
  }

  /** queue.delete: returns the number of messages deleted; a missing queue deletes 0. */
  public int deleteQueue(String queueName, boolean ifUnused, boolean ifEmpty, Object connection) {
    AmqpQueue q = queues.get(queueName);
    if (metadata == null || q == null || q.exclusive()) {
      return deleteQueueLocally(queueName, ifUnused, ifEmpty, connection);
    }
    // consumers and messages are the home node's to know: checked here, before the commit
    checkDeletable(q, ifUnused, ifEmpty);
    return (Integer) metadata.commit(new MetadataChange.DeleteQueue(name, queueName));
  }

  public synchronized int deleteQueueLocally(String queueName, boolean ifUnused, boolean ifEmpty, Object connection) {
    AmqpQueue q = queues.get(queueName);
    if (q == null) {
      return 0;
    }
    checkExclusiveAccess(q, connection);
    checkDeletable(q, ifUnused, ifEmpty);
    return removeQueue(q);
  }

  private void checkDeletable(AmqpQueue q, boolean ifUnused, boolean ifEmpty) {
    if (ifUnused && q.consumerCount() > 0) {
      throw AmqpException.preconditionFailed("queue '%s' in vhost '%s' in use", q.name(), name);
    }
    if (ifEmpty && q.messageCount() > 0) {
      throw AmqpException.preconditionFailed("queue '%s' in vhost '%s' not empty", q.name(), name);
    }
  }

  /** Removes a queue whatever its state (exclusive owner gone, auto-delete). */
  public synchronized int removeQueue(AmqpQueue q) {
    if (!queues.remove(q.name(), q)) {
      return 0;
    }
    int count = q.delete();
    if (isDurable(q)) {
      persistence.queueRemoved(q); // its durable bindings go with it
    }
    for (Exchange source : exchanges.values()) {
      if (!source.unbindAll(q).isEmpty()) {
        autoDeleteIfUnbound(source);
      }
    }
    return count;
  }

  @Override
  public void autoDelete(AmqpQueue queue) {
    if (metadata == null || queue.exclusive()) {
      removeQueue(queue);
    } else {
      metadata.commitLater(new MetadataChange.DeleteQueue(name, queue.name()));
    }
  }

  /** The vhost itself is being deleted: every queue and exchange goes, durable ones from the log too. */
  public synchronized void deleteAll() {
    for (AmqpQueue q : List.copyOf(queues.values())) {
      removeQueue(q);
    }
    for (Exchange x : List.copyOf(exchanges.values())) {
      if (exchanges.get(x.name()) == x) {
        removeExchange(x);
      }
    }
  }

  /** Deletes every exclusive queue the connection declared (it is closing). */
  public void removeExclusiveQueues(Object connection) {
    List<AmqpQueue> owned = new ArrayList<>();
    for (AmqpQueue q : queues.values()) {
      if (q.exclusiveOwner() == connection) {
        owned.add(q);
      }
    }
    for (AmqpQueue q : owned) {
      removeQueue(q);
    }
  }

  /** 405 when another connection owns the exclusive queue. */
  public void checkExclusiveAccess(AmqpQueue q, Object connection) {
    if (q.exclusive() && q.exclusiveOwner() != connection) {
      throw lockedQueue(q);
    }
  }

  private AmqpException lockedQueue(AmqpQueue q) {
    return AmqpException.resourceLocked("cannot obtain exclusive access to locked queue '%s' in vhost '%s'. "
        + "It could be originally declared on another connection or the exclusive property value does not "
        + "match that of the original declaration.", q.name(), name);
  }

  /** queue.purge: the number of ready messages removed. */
  public int purgeQueue(String queueName, Object connection) {
    AmqpQueue q = queueOrThrow(queueName);
    checkExclusiveAccess(q, connection);
    return q.purge();
  }

  // ---- bindings ----

  /** queue.bind / exchange.bind; true if the binding is new. */
  public boolean bind(String sourceName, BindingTarget destination, String bindingKey,
      Map<String, Object> arguments) {
    if (metadata == null || isLocalOnly(destination)) {
      return bindLocally(sourceName, destination, bindingKey, arguments);
    }
    return Boolean.TRUE.equals(metadata.commit(new MetadataChange.Bind(name, sourceName, destination.name(),
        destination instanceof AmqpQueue, bindingKey, arguments)));
  }

  /** Exclusive queues, and so their bindings, belong to this node only. */
  private static boolean isLocalOnly(BindingTarget destination) {
    return destination instanceof AmqpQueue q && q.exclusive();
  }

  /** Binds here (the cluster applies a committed bind through this); true if the binding is new. */
  public synchronized boolean bindLocally(String sourceName, BindingTarget destination, String bindingKey,
      Map<String, Object> arguments) {
    Exchange source = checkBindingSource(sourceName);
    checkBindingArguments(source.type(), arguments);
    Binding binding = new Binding(source, destination, bindingKey, arguments);
    boolean added = source.bind(binding);
    if (added && isDurable(binding)) {
      persistence.bindingAdded(binding);
    }
    return added;
  }

  /** A headers exchange refuses a binding whose x-match is not one it knows (406). */
  public static void checkBindingArguments(ExchangeType sourceType, Map<String, Object> arguments) {
    if (sourceType == ExchangeType.HEADERS) {
      String invalid = HeadersMatch.invalidArgumentsReason(arguments);
      if (invalid != null) {
        throw AmqpException.preconditionFailed("%s", invalid);
      }
    }
  }

  /**
   * queue.unbind / exchange.unbind. Unbinding what is not bound, or from or to something that
   * does not exist ({@code destination} null), succeeds, as in RabbitMQ 3.x.
   */
  public void unbind(String sourceName, BindingTarget destination, String bindingKey,
      Map<String, Object> arguments) {
    if (metadata == null || destination == null || isLocalOnly(destination)) {
      unbindLocally(sourceName, destination, bindingKey, arguments);
    } else {
      checkNotDefaultExchange(sourceName);
      metadata.commit(new MetadataChange.Unbind(name, sourceName, destination.name(),
          destination instanceof AmqpQueue, bindingKey, arguments));
    }
  }

  public synchronized void unbindLocally(String sourceName, BindingTarget destination, String bindingKey,
      Map<String, Object> arguments) {
    checkNotDefaultExchange(sourceName);
    Exchange source = exchanges.get(sourceName);
    if (source == null || destination == null) {
      return;
    }
    Binding binding = new Binding(source, destination, bindingKey, arguments);
    if (source.unbind(binding)) {
      if (isDurable(binding)) {
        persistence.bindingRemoved(binding);
      }
      autoDeleteIfUnbound(source);
    }
  }

  /** The source of a binding must exist and not be the default exchange (403, then 404). */
  public Exchange checkBindingSource(String sourceName) {
    checkNotDefaultExchange(sourceName);
    return exchangeOrThrow(sourceName);
  }



  /** The destination of exchange.bind/unbind: another exchange, 403 for the default one. */
  public Exchange bindingDestinationExchange(String exchangeName) {
    checkNotDefaultExchange(exchangeName);
    return exchangeOrThrow(exchangeName);
  }

  /** Every binding in the vhost, for listing. */
  public List<Binding> bindings() {
    List<Binding> all = new ArrayList<>();
    for (Exchange x : exchanges.values()) {
      all.addAll(x.bindings());
    }
    return all;
  }

  private void autoDeleteIfUnbound(Exchange source) {
    if (source.autoDelete() && !source.hasBindings()) {
      removeExchange(source);
    }
  }

  // ---- durability ----

  /** RabbitMQ keeps durable queues across restarts, except exclusive ones (they die with their connection). */
  private static boolean isDurable(AmqpQueue q) {
    return q.durable() && !q.exclusive();
  }

  /** A binding is durable when both of its ends are. */
  private static boolean isDurable(Binding b) {
    if (!b.source().durable()) {
      return false;
    }
    return switch (b.destination()) {
      case AmqpQueue q -> isDurable(q);
      case Exchange x -> x.durable();
      default -> false;
    };
  }

  // ---- checks with RabbitMQ's texts ----

  private static void checkNotDefaultExchange(String exchangeName) {
    if (exchangeName.isEmpty()) {
      throw AmqpException.accessRefused("operation not permitted on the default exchange");
    }
  }

  private static void checkNotReserved(String kind, String entityName) {
    if (entityName.startsWith("amq.")) {
      throw AmqpException.accessRefused("%s name '%s' contains reserved prefix 'amq.*'", kind, entityName);
    }
  }

  private void checkEquivalent(String kind, String entityName, String property, Object received, Object current) {
    if (!Objects.equals(received, current)) {
      throw AmqpException.preconditionFailed("inequivalent arg '%s' for %s '%s' in vhost '%s': "
          + "received '%s' but current is '%s'", property, kind, entityName, name, received, current);
    }
  }

  private void checkArgumentEquivalent(String kind, String entityName, String key, Map<String, Object> received,
      Map<String, Object> current) {
    QueueArguments.checkOneEquivalent(kind, entityName, name, key, received, current);
  }
}
