package io.warren.broker.channel;

import static io.warren.broker.auth.AccessControl.Kind.EXCHANGE;
import static io.warren.broker.auth.AccessControl.Kind.QUEUE;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import io.warren.broker.AmqpException;
import io.warren.broker.MessageStats;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.auth.User;
import io.warren.broker.durable.MessageRecord;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.exchange.RouteScratch;
import io.warren.broker.message.Expiration;
import io.warren.broker.message.Message;
import io.warren.broker.message.Messages;
import io.warren.broker.message.PropertyFlags;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Consumer;
import io.warren.broker.queue.ConsumerOwner;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;
import io.warren.codec.Frames;
import io.warren.codec.method.BasicAck;
import io.warren.codec.method.BasicCancel;
import io.warren.codec.method.BasicCancelOk;
import io.warren.codec.method.BasicConsume;
import io.warren.codec.method.BasicConsumeOk;
import io.warren.codec.method.BasicGet;
import io.warren.codec.method.BasicGetEmpty;
import io.warren.codec.method.BasicGetOk;
import io.warren.codec.method.BasicNack;
import io.warren.codec.method.BasicPublish;
import io.warren.codec.method.BasicQos;
import io.warren.codec.method.BasicQosOk;
import io.warren.codec.method.BasicRecover;
import io.warren.codec.method.BasicRecoverAsync;
import io.warren.codec.method.BasicRecoverOk;
import io.warren.codec.method.BasicReject;
import io.warren.codec.method.BasicReturn;
import io.warren.codec.method.ChannelClose;
import io.warren.codec.method.ChannelCloseOk;
import io.warren.codec.method.ChannelFlow;
import io.warren.codec.method.ChannelFlowOk;
import io.warren.codec.method.ChannelOpen;
import io.warren.codec.method.ConfirmSelect;
import io.warren.codec.method.ConfirmSelectOk;
import io.warren.codec.method.ExchangeBind;
import io.warren.codec.method.ExchangeBindOk;
import io.warren.codec.method.ExchangeDeclare;
import io.warren.codec.method.ExchangeDeclareOk;
import io.warren.codec.method.ExchangeDelete;
import io.warren.codec.method.ExchangeDeleteOk;
import io.warren.codec.method.ExchangeUnbind;
import io.warren.codec.method.ExchangeUnbindOk;
import io.warren.codec.method.Method;
import io.warren.codec.method.QueueBind;
import io.warren.codec.method.QueueBindOk;
import io.warren.codec.method.QueueDeclare;
import io.warren.codec.method.QueueDeclareOk;
import io.warren.codec.method.QueueDelete;
import io.warren.codec.method.QueueDeleteOk;
import io.warren.codec.method.QueuePurge;
import io.warren.codec.method.QueuePurgeOk;
import io.warren.codec.method.QueueUnbind;
import io.warren.codec.method.QueueUnbindOk;
import io.warren.codec.method.TxCommit;
import io.warren.codec.method.TxCommitOk;
import io.warren.codec.method.TxRollback;
import io.warren.codec.method.TxRollbackOk;
import io.warren.codec.method.TxSelect;
import io.warren.codec.method.TxSelectOk;
import io.warren.store.StoreException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One AMQP channel: its consumers, its unacked deliveries, its publish/confirm/transaction state.
 *
 * <p>Threading: everything here runs on the connection's event loop, except the
 * {@link ConsumerOwner} methods queues call from their publishers' threads; those only touch the
 * atomic credit counters and the delivery inbox, which the event loop drains.
 */
public final class AmqpChannel implements ConsumerOwner {

  private enum State { OPEN, CLOSING, CLOSED }

  private final int number;
  private final ChannelSink connection;
  private final VirtualHost vhost;
  private State state = State.OPEN;

  private final ContentAssembler assembler;
  private final RouteScratch routeScratch = new RouteScratch();
  private final ExchangeTraffic exchangeTraffic = new ExchangeTraffic();
  private final DeliverWriter deliverWriter;

  private final Map<String, Consumer> consumers = new LinkedHashMap<>();
  private final UnackedDeliveries unacked = new UnackedDeliveries();
  private long nextDeliveryTag = 1;

  /** Deliveries assigned by queues on other threads, waiting to be written by this event loop. */
  private final Queue<Delivery> inbox = PlatformDependent.newMpscQueue();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Runnable drainTask = this::drainAndFlush;
  /** What waits in the inbox, in {@link #weight} units (about bytes). */
  private final AtomicInteger inboxWeight = new AtomicInteger();
  private volatile boolean inboxWasFull;
  /**
   * How much may wait in the inbox; beyond it queues hold messages back (no-ack consumers too)
   * where they are counted and can be paged. With the socket's own bound (Netty's write buffer
   * water mark) this bounds what one consumer that stops reading makes the broker hold.
   */
  private static final int INBOX_LIMIT = 1 << 20;
  /** A delivery's least weight: small messages cost their frames and objects, not just a body. */
  private static final int MIN_WEIGHT = 512;
  /** Deliveries written straight into the connection's output stop being direct beyond this. */
  private static final int DIRECT_WRITE_LIMIT = 256 * 1024;
  /** Most deliveries written per event-loop task before flushing and yielding. */
  private static final int DRAIN_BATCH = 256;

  /** basic.qos global=false: the prefetch given to consumers created from now on. */
  private int consumerPrefetch;
  /** basic.qos global=true: the limit shared by all consumers of the channel (0 = none). */
  private volatile int channelPrefetch;
  private final AtomicInteger channelUnacked = new AtomicInteger();
  /** Where {@link #redispatchConsumedQueues} starts next time (event loop only). */
  private int redispatchRotation;
  private volatile boolean flowActive = true;

  private boolean confirmMode;
  private long publishSequence;
  private long confirmsWritten;
  /** The newest publish that went to disk and so must be synced before it is confirmed. */
  private long lastDurableSeq;
  private long syncRequestedUpTo;
  private long syncedUpTo;
  /** Sequence numbers of publishes a queue refused, oldest first, until their nack is written. */
  private final java.util.ArrayDeque<Long> rejectedPublishes = new java.util.ArrayDeque<>(0);

  private TxBuffer tx;

  /** The last queue declared on this channel: an empty queue name in later methods means it. */
  private String lastQueue;

  private final DirectReplyTo replyTo;

  /** Counters for the management API (they roll up into the vhost's). */
  private final MessageStats stats;

  public AmqpChannel(int number, ChannelSink connection) {
    this.number = number;
    this.connection = connection;
    this.vhost = connection.vhost();
    this.replyTo = new DirectReplyTo(this);
    this.stats = MessageStats.owned();
    vhost.stats().adopt(stats);
    this.deliverWriter = new DeliverWriter(number);
    this.assembler = new ContentAssembler(connection.maxMessageSize());
  }

  public int number() {
    return number;
  }

  public boolean isOpen() {
    return state == State.OPEN;
  }

  // ------------------------------------------------------------------------------------------
  // inbound frames

  /** A method frame for this channel. Soft errors close the channel; hard ones propagate. */
  public void onMethod(Method method) {
    if (state != State.OPEN) {
      onMethodWhileClosing(method);
      return;
    }
    try {
      if (assembler.isAssembling()) {
        throw assembler.methodWhileAssembling();
      }
      dispatch(method);
    } catch (AmqpException e) {
      handleError(e.during(method.classId(), method.methodId()));
    }
  }

  public void onContentHeader(ContentHeader header) {
    if (state != State.OPEN) {
      return;
    }
    try {
      if (assembler.onHeader(header)) {
        publishAssembled();
      }
    } catch (AmqpException e) {
      assembler.reset();
      handleError(e);
    }
  }

  public void onContentBody(ByteBuf content) {
    if (state != State.OPEN) {
      return;
    }
    try {
      if (assembler.onBody(content)) {
        publishAssembled();
      }
    } catch (AmqpException e) {
      assembler.reset();
      handleError(e);
    }
  }

  private void onMethodWhileClosing(Method method) {
    // After we sent channel.close, RabbitMQ discards everything but close and close-ok.
    if (method instanceof ChannelCloseOk && state == State.CLOSING) {
      state = State.CLOSED;
      connection.channelClosed(number);
    } else if (method instanceof ChannelClose) {
      send(new ChannelCloseOk());
    }
  }

  private void handleError(AmqpException e) {
    if (e.isConnectionError()) {
      connection.connectionError(e);
      return;
    }
    send(new ChannelClose(e.code().code(), e.replyText(), e.classId(), e.methodId()));
    state = State.CLOSING;
    release();
  }

  private void dispatch(Method method) {
    switch (method) {
      case BasicPublish m -> onBasicPublish(m);
      case BasicAck m -> onBasicAck(m.deliveryTag(), m.multiple());
      case BasicNack m -> onBasicNack(m.deliveryTag(), m.multiple(), m.requeue());
      case BasicReject m -> onBasicNack(m.deliveryTag(), false, m.requeue());
      case BasicConsume m -> onBasicConsume(m);
      case BasicCancel m -> onBasicCancel(m);
      case BasicGet m -> onBasicGet(m);
      case BasicQos m -> onBasicQos(m);
      case BasicRecover m -> onBasicRecover(m.requeue(), true);
      case BasicRecoverAsync m -> onBasicRecover(m.requeue(), false);
      case QueueDeclare m -> onQueueDeclare(m);
      case QueueBind m -> onQueueBind(m);
      case QueueUnbind m -> onQueueUnbind(m);
      case QueuePurge m -> onQueuePurge(m);
      case QueueDelete m -> onQueueDelete(m);
      case ExchangeDeclare m -> onExchangeDeclare(m);
      case ExchangeDelete m -> onExchangeDelete(m);
      case ExchangeBind m -> onExchangeBind(m);
      case ExchangeUnbind m -> onExchangeUnbind(m);
      case ConfirmSelect m -> onConfirmSelect(m);
      case TxSelect m -> onTxSelect();
      case TxCommit m -> onTxCommit();
      case TxRollback m -> onTxRollback();
      case ChannelFlow m -> onChannelFlow(m);
      case ChannelClose m -> onChannelClose();
      case ChannelOpen m -> throw AmqpException.channelError("second 'channel.open' seen");
      // includes a close-ok nobody asked for, and connection methods sent on a channel
      default -> throw AmqpException.commandInvalid("unimplemented method");
    }
  }

  // ------------------------------------------------------------------------------------------
  // channel

  private void onChannelClose() {
    release();
    state = State.CLOSED;
    send(new ChannelCloseOk());
    connection.channelClosed(number);
  }

  private void onChannelFlow(ChannelFlow m) {
    if (!m.active()) {
      // RabbitMQ does not let clients stop deliveries with channel.flow; it raises this.
      throw AmqpException.notImplemented("active=false");
    }
    send(new ChannelFlowOk(true));
  }

  /**
   * Lets go of everything the channel holds: consumers are cancelled, unacked and in-flight
   * deliveries go back to their queues, an open transaction is dropped.
   */
  public void release() {
    assembler.reset();
    List<AmqpQueue> consumedQueues = new ArrayList<>(consumers.size());
    for (Consumer c : consumers.values()) {
      c.queue().removeConsumer(c);
      consumedQueues.add(c.queue());
    }
    consumers.clear();
    replyTo.release();
    if (tx != null) {
      // acks and rejects of an uncommitted transaction never happened
      List<Delivery> pending = new ArrayList<>();
      for (TxBuffer.PendingSettle s : tx.settles) {
        pending.add(s.delivery());
      }
      unacked.restore(pending);
      tx = null;
    }
    // Deliveries never written go back first, then the unacked ones, and only then do the
    // queues dispatch again: a single active consumer's successor gets them all in order.
    returnUnwritten();
    requeueAll(unackedAsList());
    for (AmqpQueue q : consumedQueues) {
      q.dispatch();
    }
    exchangeTraffic.flush();
    vhost.stats().retire(stats);
  }

  // ------------------------------------------------------------------------------------------
  // exchanges and queues

  private void onExchangeDeclare(ExchangeDeclare m) {
    String name = Names.stripCrLf(m.exchange());
    if (m.passive()) {
      vhost.checkExchangeExists(name);
    } else {
      checkExchangeDeclarePermitted(name, m.type(), m.arguments());
      vhost.declareExchange(name, m.type(), m.durable(), m.autoDelete(), m.internal(), m.arguments());
    }
    if (!m.noWait()) {
      send(new ExchangeDeclareOk());
    }
  }

  private void onExchangeDelete(ExchangeDelete m) {
    String name = Names.stripCrLf(m.exchange());
    if (!name.isEmpty() && !name.startsWith("amq.")) { // those refusals come before permissions
      access().checkConfigure(EXCHANGE, name);
    }
    vhost.deleteExchange(name, m.ifUnused());
    if (!m.noWait()) {
      send(new ExchangeDeleteOk());
    }
  }

  private void onExchangeBind(ExchangeBind m) {
    checkBindPermitted(EXCHANGE, Names.stripCrLf(m.destination()), Names.stripCrLf(m.source()));
    Exchange destination = vhost.bindingDestinationExchange(Names.stripCrLf(m.destination()));
    vhost.bind(Names.stripCrLf(m.source()), destination, m.routingKey(), m.arguments());
    if (!m.noWait()) {
      send(new ExchangeBindOk());
    }
  }

  private void onExchangeUnbind(ExchangeUnbind m) {
    String source = Names.stripCrLf(m.source());
    String destinationName = Names.stripCrLf(m.destination());
    checkBindPermitted(EXCHANGE, destinationName, source);
    vhost.checkBindingSource(source);
    Exchange destination = destinationName.isEmpty() ? vhost.bindingDestinationExchange("")
        : vhost.exchange(destinationName);
    vhost.unbind(source, destination, m.routingKey(), m.arguments());
    if (!m.noWait()) {
      send(new ExchangeUnbindOk());
    }
  }

  private void onQueueDeclare(QueueDeclare m) {
    String name = Names.stripCrLf(m.queue());
    int messages;
    int consumerCount;
    if (m.passive() && replyTo.isReplyQueueName(name)) {
      replyTo.checkReplyQueueExists(name);
      messages = 0;
      consumerCount = 1;
    } else if (m.passive()) {
      AmqpQueue q = vhost.checkQueueExists(resolveQueueName(name), connection.owner());
      name = q.name();
      messages = q.messageCount();
      consumerCount = q.consumerCount();
    } else {
      boolean serverNamed = name.isEmpty();
      if (serverNamed) {
        name = Names.serverNamedQueue();
      }
      checkQueueDeclarePermitted(name, serverNamed, m.arguments());
      AmqpQueue q = vhost.declareQueue(name, serverNamed, m.durable(), m.exclusive(), m.autoDelete(), m.arguments(),
          connection.owner());
      messages = q.messageCount();
      consumerCount = q.consumerCount();
    }
    lastQueue = name;
    if (!m.noWait()) {
      send(new QueueDeclareOk(name, messages, consumerCount));
    }
  }

  private void onQueueBind(QueueBind m) {
    String exchange = Names.stripCrLf(m.exchange());
    checkBindPermitted(QUEUE, Names.stripCrLf(resolveQueueName(m.queue())), exchange);
    vhost.checkBindingSource(exchange);
    AmqpQueue q = queueForUse(Names.stripCrLf(resolveQueueName(m.queue())));
    vhost.bind(exchange, q, bindingKey(m.queue(), m.routingKey()), m.arguments());
    if (!m.noWait()) {
      send(new QueueBindOk());
    }
  }

  private void onQueueUnbind(QueueUnbind m) {
    // Unbinding what does not exist succeeds, even from another connection's exclusive queue;
    // removing a binding that does exist needs exclusive access, as in RabbitMQ.
    checkBindPermitted(QUEUE, Names.stripCrLf(resolveQueueName(m.queue())), Names.stripCrLf(m.exchange()));
    AmqpQueue q = vhost.queue(Names.stripCrLf(resolveQueueName(m.queue())));
    String exchange = Names.stripCrLf(m.exchange());
    String key = bindingKey(m.queue(), m.routingKey());
    Exchange source = vhost.exchange(exchange);
    if (q != null && source != null && source.hasBinding(new Binding(source, q, key, m.arguments()))) {
      vhost.checkExclusiveAccess(q, connection.owner());
    }
    vhost.unbind(exchange, q, key, m.arguments());
    send(new QueueUnbindOk());
  }

  private void onQueuePurge(QueuePurge m) {
    access().checkRead(QUEUE, resolveQueueName(m.queue()));
    int purged = vhost.purgeQueue(resolveQueueName(m.queue()), connection.owner());
    if (!m.noWait()) {
      send(new QueuePurgeOk(purged));
    }
  }

  private void onQueueDelete(QueueDelete m) {
    access().checkConfigure(QUEUE, Names.stripCrLf(resolveQueueName(m.queue())));
    int deleted = vhost.deleteQueue(Names.stripCrLf(resolveQueueName(m.queue())), m.ifUnused(), m.ifEmpty(),
        connection.owner());
    if (!m.noWait()) {
      send(new QueueDeleteOk(deleted));
    }
  }

  // ---- permissions, in the order RabbitMQ checks them ----

  private AccessControl access() {
    return connection.access();
  }

  /**
   * exchange.declare: an unknown type (503) and the default exchange (403) are reported first,
   * by the vhost; then configure on the exchange and, for a new one with an alternate exchange,
   * read on it and write on the alternate.
   */
  private void checkExchangeDeclarePermitted(String name, String type, Map<String, Object> arguments) {
    if (name.isEmpty() || io.warren.broker.exchange.ExchangeType.fromName(type).isEmpty()) {
      return;
    }
    access().checkConfigure(EXCHANGE, name);
    Object alternate = arguments.get("alternate-exchange");
    if (alternate != null && !name.startsWith("amq.") && vhost.exchange(name) == null) {
      access().checkRead(EXCHANGE, name);
      access().checkWrite(EXCHANGE, alternate.toString());
    }
  }

  /**
   * queue.declare: configure on the queue (a server-chosen name is checked too); for a new queue
   * with a dead-letter exchange, read on the queue and write on that exchange. A new queue with
   * a reserved name is refused by the vhost first.
   */
  private void checkQueueDeclarePermitted(String name, boolean serverNamed, Map<String, Object> arguments) {
    boolean exists = vhost.queue(name) != null;
    if (!exists && !serverNamed && name.startsWith("amq.")) {
      return;
    }
    access().checkConfigure(QUEUE, name);
    Object dlx = arguments.get("x-dead-letter-exchange");
    if (!exists && (dlx instanceof String || dlx instanceof io.warren.codec.LongString)) {
      access().checkRead(QUEUE, name);
      access().checkWrite(EXCHANGE, dlx.toString());
    }
  }

  /**
   * queue.bind/unbind and exchange.bind/unbind: write on the destination, then (the default
   * exchange being refused by the vhost in between) read on the source.
   */
  private void checkBindPermitted(AccessControl.Kind destinationKind, String destination, String source) {
    access().checkWrite(destinationKind, destination);
    if (!source.isEmpty() && !(destinationKind == EXCHANGE && destination.isEmpty())) {
      access().checkRead(EXCHANGE, source);
    }
  }

  /** The queue a method names (empty = the last declared one), checked for exclusive access. */
  private AmqpQueue queueForUse(String name) {
    AmqpQueue q = vhost.queueOrThrow(resolveQueueName(name));
    vhost.checkExclusiveAccess(q, connection.owner());
    return q;
  }

  /**
   * The binding key of queue.bind/unbind: when both the queue and the key are empty, the spec's
   * shortcut makes the key the last declared queue's name.
   */
  private String bindingKey(String queue, String routingKey) {
    return queue.isEmpty() && routingKey.isEmpty() ? resolveQueueName("") : routingKey;
  }

  private String resolveQueueName(String name) {
    if (!name.isEmpty()) {
      return name;
    }
    if (lastQueue == null) {
      throw AmqpException.notFound("no previously declared queue");
    }
    return lastQueue;
  }

  // ------------------------------------------------------------------------------------------
  // publishing

  private void onBasicPublish(BasicPublish m) {
    assembler.expectContent(m);
  }

  private void publishAssembled() {
    BasicPublish publish = assembler.publish();
    Message message = new Message(publish.exchange(), publish.routingKey(), assembler.header(), assembler.body());
    assembler.reset();
    try {
      route(publish, message);
    } catch (AmqpException e) {
      throw e.during(BasicPublish.CLASS_ID, BasicPublish.METHOD_ID);
    } finally {
      // after routing: a write that just failed for lack of space has raised the disk alarm
      connection.onPublished();
    }
  }

  private void route(BasicPublish publish, Message message) {
    if (publish.immediate()) {
      // RabbitMQ dropped immediate delivery in 3.0; it closes the connection with 540.
      throw AmqpException.notImplemented("immediate=true");
    }
    access().checkWrite(EXCHANGE, publish.exchange());
    Exchange exchange = null;
    if (!publish.exchange().isEmpty()) {
      exchange = vhost.exchangeOrThrow(publish.exchange());
      if (exchange.internal()) {
        throw AmqpException.accessRefused("cannot publish to internal exchange '%s' in vhost '%s'",
            exchange.name(), vhost.name());
      }
    }
    message = replyTo.rewriteReplyTo(message);
    if (PropertyFlags.hasExpirationOrUserId(message)) {
      checkUserIdAndExpiration(message.properties());
    }
    if (confirmMode) {
      publishSequence++;
    }
    if (exchange == null && DirectReplyTo.isReplyAddress(publish.routingKey())) {
      boolean delivered = DirectReplyTo.deliverReply(vhost, message);
      afterRouting(publish, message, delivered);
      return;
    }
    vhost.router().route(exchange, message, routeScratch);
    List<AmqpQueue> queues = routeScratch.queues();
    if (PropertyFlags.hasHeaders(message)) {
      message = Messages.withoutBcc(message);
    }
    if (tx != null) {
      // Enqueued (or returned, if mandatory and no queue takes it) at commit, as in RabbitMQ 3.x.
      if (!queues.isEmpty() || publish.mandatory()) {
        tx.publishes.add(new TxBuffer.PendingPublish(publish, message, List.copyOf(queues)));
      }
      return;
    }
    int outcome = enqueueAll(message, queues);
    if ((outcome & PERSISTED) != 0 && confirmMode) {
      lastDurableSeq = publishSequence;
    }
    if ((outcome & REJECTED) != 0 && confirmMode) {
      rejectedPublishes.add(publishSequence);
    }
    countExchangeTraffic(exchange, queues.size());
    afterRouting(publish, message, !queues.isEmpty());
  }

  /** {@link #enqueueAll} outcome bits. */
  private static final int ENQUEUED = 1;
  private static final int PERSISTED = 2;
  /**
   * A queue refused the message (x-overflow reject-publish), or could not write it to disk: the
   * publisher gets basic.nack.
   */
  private static final int REJECTED = 4;
  /** A durable queue could not write the message to disk (disk full, I/O error). */
  private static final int NOT_STORED = 8;

  /**
   * Enqueues a message on every queue it was routed to. A persistent message is encoded once
   * and written to the log of each durable queue. Returns {@link #ENQUEUED} if any queue took
   * it and {@link #PERSISTED} if any log did (a confirm must then wait for the disk). A queue
   * that cannot write the message to its log does not take it ({@link #NOT_STORED}): the publisher
   * is nacked rather than closed, and the disk alarm blocks it if the disk is full.
   */
  private int enqueueAll(Message message, List<AmqpQueue> queues) {
    boolean persistent = message.persistent();
    ByteBuf record = null;
    int outcome = 0;
    try {
      for (int i = 0, n = queues.size(); i < n; i++) {
        AmqpQueue q = queues.get(i);
        int enqueued;
        if (persistent && q.persistsMessages()) {
          if (record == null) {
            record = MessageRecord.encode(ByteBufAllocator.DEFAULT, message);
          }
          try {
            enqueued = q.offer(message, record);
            outcome |= PERSISTED;
          } catch (StoreException e) {
            connection.storeWriteFailed(e, record.readableBytes());
            enqueued = AmqpQueue.REJECTED;
            outcome |= NOT_STORED;
          }
        } else {
          enqueued = q.offer(message, null);
        }
        if (enqueued == AmqpQueue.ENQUEUED) {
          outcome |= ENQUEUED;
        } else if (enqueued == AmqpQueue.REJECTED) {
          outcome |= ENQUEUED | REJECTED; // routed (no basic.return), but refused
        }
      }
    } finally {
      if (record != null) {
        record.release();
      }
    }
    return outcome;
  }

  /** user_id must name the authenticated user (unless it may impersonate); expiration must parse. */
  private void checkUserIdAndExpiration(BasicProperties props) {
    User user = connection.user();
    if (props.userId() != null && !props.userId().equals(user.name()) && !user.tags().contains("impersonator")) {
      throw AmqpException.preconditionFailed("user_id property set to '%s' but authenticated user was '%s'",
          props.userId(), user.name());
    }
    if (props.expiration() != null) {
      Expiration.parse(props.expiration());
    }
  }

  private void countExchangeTraffic(Exchange exchange, int copies) {
    if (exchangeTraffic.count(vhost.exchangeStats(exchange), copies)) {
      connection.callBeforeFlush(this);
    }
  }

  private void afterRouting(BasicPublish publish, Message message, boolean routed) {
    stats.onPublish();
    if (!routed) {
      stats.onUnroutable(publish.mandatory());
    }
    if (!routed && publish.mandatory()) {
      returnUnroutable(publish, message);
    }
    if (confirmMode) {
      connection.callBeforeFlush(this);
    }
  }

  private void returnUnroutable(BasicPublish publish, Message message) {
    Frames.writeMessage(connection.out(), number,
        new BasicReturn(312, "NO_ROUTE", publish.exchange(), publish.routingKey()),
        message.rawProperties(), message.body(), connection.frameMax());
  }

  /** Called before the connection flushes, if asked for: batched confirms and counters go out. */
  public void beforeFlush() {
    writePendingConfirms();
    exchangeTraffic.flush();
  }

  /** Writes one basic.ack covering every publish confirmed since the last one. */
  private void writePendingConfirms() {
    if (!confirmMode || state != State.OPEN) {
      return;
    }
    if (lastDurableSeq > syncRequestedUpTo) {
      requestSync(publishSequence);
    }
    // Everything up to the newest publish is confirmed once every persistent one is on disk;
    // until then only what the last completed sync covers.
    long frontier = lastDurableSeq <= syncedUpTo ? publishSequence : syncedUpTo;
    if (!rejectedPublishes.isEmpty()) {
      writeRejectedNacks(frontier);
    }
    if (frontier > confirmsWritten) {
      send(new BasicAck(frontier, frontier - confirmsWritten > 1));
      stats.onConfirm(frontier - confirmsWritten);
      confirmsWritten = frontier;
    }
  }

  /**
   * Publishes a queue refused are nacked one by one; the confirms before each go out first as
   * one ack, so every sequence number is answered exactly once and in order.
   */
  private void writeRejectedNacks(long frontier) {
    while (!rejectedPublishes.isEmpty() && rejectedPublishes.peekFirst() <= frontier) {
      long seq = rejectedPublishes.pollFirst();
      if (seq <= confirmsWritten) {
        continue; // already answered (a failed sync nacked it)
      }
      if (seq - 1 > confirmsWritten) {
        send(new BasicAck(seq - 1, seq - 1 - confirmsWritten > 1));
        stats.onConfirm(seq - 1 - confirmsWritten);
      }
      send(new BasicNack(seq, false, false));
      confirmsWritten = seq;
    }
  }

  /**
   * One group-commit request per read batch covers every persistent publish so far; its
   * completion releases their confirms (or nacks them if the disk failed).
   */
  private void requestSync(long upTo) {
    syncRequestedUpTo = upTo;
    connection.syncStore(failure -> {
      if (failure != null && upTo > confirmsWritten && state == State.OPEN) {
        send(new BasicNack(upTo, upTo - confirmsWritten > 1, false));
        confirmsWritten = upTo;
      }
      syncedUpTo = Math.max(syncedUpTo, upTo);
      connection.callBeforeFlush(this);
    });
  }

  private void onConfirmSelect(ConfirmSelect m) {
    if (tx != null) {
      throw AmqpException.preconditionFailed("cannot switch from tx to confirm mode");
    }
    confirmMode = true;
    if (!m.noWait()) {
      send(new ConfirmSelectOk());
    }
  }

  // ------------------------------------------------------------------------------------------
  // transactions

  private void onTxSelect() {
    if (confirmMode) {
      throw AmqpException.preconditionFailed("cannot switch from confirm to tx mode");
    }
    if (tx == null) {
      tx = new TxBuffer();
    }
    send(new TxSelectOk());
  }

  private void onTxCommit() {
    if (tx == null) {
      throw AmqpException.preconditionFailed("channel is not transactional");
    }
    boolean persisted = false;
    boolean notStored = false;
    for (TxBuffer.PendingPublish p : tx.publishes) {
      int outcome = enqueueAll(p.message(), p.queues());
      persisted |= (outcome & PERSISTED) != 0;
      notStored |= (outcome & NOT_STORED) != 0;
      boolean enqueued = (outcome & ENQUEUED) != 0;
      if (!enqueued && p.publish().mandatory()) {
        // no queue matched, or every queue it matched was deleted before the commit
        returnUnroutable(p.publish(), p.message());
      }
    }
    List<Delivery> acked = new ArrayList<>();
    List<Delivery> requeued = new ArrayList<>();
    for (TxBuffer.PendingSettle s : tx.settles) {
      (s.ack() || !s.requeue() ? acked : requeued).add(s.delivery());
      if (!s.ack() && !s.requeue()) {
        deadLetterRejected(List.of(s.delivery()));
      }
    }
    tx.clear();
    settle(acked);
    requeueAll(requeued);
    if (notStored) {
      // a transaction has no nack: the publisher must not be told its messages were committed
      throw AmqpException.internalError("the broker could not store the transaction's messages");
    }
    if (persisted) {
      // commit-ok promises the persistent messages are on disk
      connection.syncStore(failure -> {
        if (failure != null) {
          connection.connectionError(
              AmqpException.internalError("the broker could not store the transaction's messages"));
          return;
        }
        send(new TxCommitOk());
        connection.requestFlush();
      });
    } else {
      send(new TxCommitOk());
    }
  }

  private void onTxRollback() {
    if (tx == null) {
      throw AmqpException.preconditionFailed("channel is not transactional");
    }
    List<Delivery> restored = new ArrayList<>();
    for (TxBuffer.PendingSettle s : tx.settles) {
      restored.add(s.delivery());
    }
    unacked.restore(restored);
    tx.clear();
    send(new TxRollbackOk());
  }

  // ------------------------------------------------------------------------------------------
  // consuming

  private void onBasicQos(BasicQos m) {
    if (m.prefetchSize() != 0) {
      throw AmqpException.notImplemented("prefetch_size!=0 (%d)", m.prefetchSize());
    }
    if (m.global()) {
      channelPrefetch = m.prefetchCount();
      redispatchConsumedQueues();
    } else {
      consumerPrefetch = m.prefetchCount();
    }
    send(new BasicQosOk());
  }

  private void onBasicConsume(BasicConsume m) {
    if (DirectReplyTo.PSEUDO_QUEUE.equals(m.queue())) {
      String tag = consumerTag(m.consumerTag());
      replyTo.startConsuming(tag, m.noAck());
      if (!m.noWait()) {
        send(new BasicConsumeOk(tag));
      }
      return;
    }
    access().checkRead(QUEUE, resolveQueueName(m.queue()));
    AmqpQueue queue = queueForUse(m.queue());
    queue.checkHomedHere(); // consuming another node's queue is not supported yet
    String tag = consumerTag(m.consumerTag());
    ConsumeArguments.validate(queue.name(), vhost.name(), m.arguments());
    Consumer consumer = new Consumer(tag, queue, this, m.noAck(), m.exclusive(), consumerPrefetch, m.arguments());
    consumers.put(tag, consumer);
    try {
      queue.addConsumer(consumer);
    } catch (AmqpQueue.ExclusiveConsumerConflict e) {
      consumers.remove(tag);
      throw AmqpException.accessRefused("queue '%s' in vhost '%s' in exclusive use", queue.name(), vhost.name());
    }
    if (!m.noWait()) {
      send(new BasicConsumeOk(tag));
    }
    queue.dispatch();
  }

  private String consumerTag(String requested) {
    if (requested.isEmpty()) {
      return Names.consumerTag();
    }
    if (consumers.containsKey(requested) || replyTo.hasConsumerTag(requested)) {
      throw AmqpException.notAllowed("attempt to reuse consumer tag '%s'", requested);
    }
    return requested;
  }

  private void onBasicCancel(BasicCancel m) {
    Consumer consumer = consumers.remove(m.consumerTag());
    if (consumer != null) {
      consumer.queue().removeConsumer(consumer);
    } else {
      replyTo.cancel(m.consumerTag());
    }
    if (!m.noWait()) {
      send(new BasicCancelOk(m.consumerTag()));
    }
    if (consumer != null && consumer.queue().isSingleActiveConsumer()) {
      consumer.queue().dispatch(); // the next consumer may have become the active one
    }
  }

  private void onBasicGet(BasicGet m) {
    access().checkRead(QUEUE, resolveQueueName(m.queue()));
    AmqpQueue queue = queueForUse(m.queue());
    QueueEntry entry = queue.poll(m.noAck());
    if (entry == null) {
      stats.onGetEmpty();
      send(new BasicGetEmpty(""));
      return;
    }
    stats.onGet(m.noAck(), entry.redelivered());
    Delivery d = new Delivery(null, entry);
    d.tag = nextDeliveryTag++;
    if (!m.noAck()) {
      unacked.add(d);
    }
    Message msg = entry.message();
    Frames.writeMessage(connection.out(), number,
        new BasicGetOk(d.tag, entry.redelivered(), msg.exchange(), msg.routingKey(), queue.messageCount()),
        msg.rawProperties(), msg.body(), connection.frameMax());
  }

  // ------------------------------------------------------------------------------------------
  // acknowledgements

  private void onBasicAck(long tag, boolean multiple) {
    List<Delivery> acked = takeUnacked(tag, multiple);
    if (tx != null) {
      for (Delivery d : acked) {
        tx.settles.add(new TxBuffer.PendingSettle(d, true, false));
      }
      return;
    }
    stats.onAck(acked.size());
    settle(acked);
  }

  private void onBasicNack(long tag, boolean multiple, boolean requeue) {
    List<Delivery> rejected = takeUnacked(tag, multiple);
    if (tx != null) {
      for (Delivery d : rejected) {
        tx.settles.add(new TxBuffer.PendingSettle(d, false, requeue));
      }
      return;
    }
    if (requeue) {
      requeueAll(rejected);
    } else {
      deadLetterRejected(rejected);
      settle(rejected);
    }
  }

  private void onBasicRecover(boolean requeue, boolean synchronous) {
    if (!requeue) {
      throw AmqpException.notImplemented("requeue=false");
    }
    requeueAll(unackedAsList());
    if (synchronous) {
      send(new BasicRecoverOk());
    }
  }

  /** Removes the deliveries an ack/nack/reject names; 406 for a tag that is not unacked. */
  private List<Delivery> takeUnacked(long tag, boolean multiple) {
    List<Delivery> taken = new ArrayList<>();
    if (multiple && tag == 0) {
      unacked.removeAll(taken::add);
    } else if (multiple) {
      if (!unacked.contains(tag)) {
        throw unknownDeliveryTag(tag);
      }
      unacked.removeUpTo(tag, taken::add);
    } else {
      Delivery d = unacked.remove(tag);
      if (d == null) {
        throw unknownDeliveryTag(tag);
      }
      taken.add(d);
    }
    return taken;
  }

  private static AmqpException unknownDeliveryTag(long tag) {
    return AmqpException.preconditionFailed("unknown delivery tag %d", tag);
  }

  private List<Delivery> unackedAsList() {
    List<Delivery> all = new ArrayList<>(unacked.size());
    unacked.removeAll(all::add);
    return all;
  }

  /** Acked (or rejected without requeue): the messages leave their queues; credit comes back. */
  private void settle(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    Map<AmqpQueue, List<QueueEntry>> perQueue = new IdentityHashMap<>(2);
    for (Delivery d : deliveries) {
      perQueue.computeIfAbsent(d.entry.queue(), q -> new ArrayList<>()).add(d.entry);
      returnCredit(d);
    }
    perQueue.forEach(AmqpQueue::settle);
    if (channelPrefetch != 0) {
      // the shared limit has room again: any of this channel's consumers may take it
      redispatchConsumedQueues();
    } else {
      perQueue.keySet().forEach(AmqpQueue::dispatch);
    }
  }

  /** Rejected without requeue: queues with a dead-letter exchange republish the messages there. */
  private static void deadLetterRejected(List<Delivery> rejected) {
    for (Delivery d : rejected) {
      AmqpQueue q = d.entry.queue();
      if (q != null) {
        q.deadLetterRejected(d.entry);
      }
    }
  }

  /** Back to their queues, in their original order, marked redelivered. */
  private void requeueAll(List<Delivery> deliveries) {
    if (deliveries.isEmpty()) {
      return;
    }
    Map<AmqpQueue, List<QueueEntry>> perQueue = new IdentityHashMap<>(2);
    for (Delivery d : deliveries) {
      perQueue.computeIfAbsent(d.entry.queue(), q -> new ArrayList<>()).add(d.entry);
      returnCredit(d);
    }
    perQueue.forEach(AmqpQueue::requeue);
    if (channelPrefetch != 0) {
      redispatchConsumedQueues();
    }
  }

  private void returnCredit(Delivery d) {
    if (d.hasConsumer()) {
      d.consumer.returnCredit();
      channelUnacked.decrementAndGet();
    }
  }

  /**
   * Lets the queues this channel consumes from dispatch again. With a global prefetch the first
   * queue asked takes the freed slot, so the starting consumer rotates: otherwise one queue
   * would get every slot and starve the others (RabbitMQ shuffles the queues it wakes for the
   * same reason).
   */
  private void redispatchConsumedQueues() {
    int n = consumers.size();
    if (n == 0) {
      return;
    }
    int first = Math.floorMod(redispatchRotation++, n);
    int i = 0;
    for (Consumer c : consumers.values()) {
      if (i++ >= first) {
        c.queue().dispatch();
      }
    }
    i = 0;
    for (Consumer c : consumers.values()) {
      if (i++ >= first) {
        break;
      }
      c.queue().dispatch();
    }
  }

  /** The socket became writable again: queues holding back for this channel may send. */
  public void onWritable() {
    redispatchConsumedQueues();
  }

  // ------------------------------------------------------------------------------------------
  // ConsumerOwner: called by queues, from any thread

  /** {@inheritDoc} A null consumer means this channel's direct reply-to consumer. */
  @Override
  public void deliver(Consumer consumer, QueueEntry entry) {
    Delivery d = new Delivery(consumer, entry);
    if (connection.eventLoop().inEventLoop() && inbox.isEmpty()
        && connection.unflushedBytes() < DIRECT_WRITE_LIMIT) {
      // Same thread and nothing queued before it: writing now cannot reorder deliveries. Beyond
      // the limit they go through the inbox, which fills up and so stops the queue's dispatch
      // until the output has been flushed: one dispatch cannot pile up a whole queue in memory.
      write(d);
      connection.requestFlush();
      return;
    }
    inboxWeight.addAndGet(weight(entry));
    inbox.offer(d);
    // A plain read first: while a drain is pending (most deliveries of a burst) no CAS is needed.
    if (!drainScheduled.get() && drainScheduled.compareAndSet(false, true)) {
      scheduleDrain();
    }
  }

  /**
   * Writes up to {@link #DRAIN_BATCH} queued deliveries and flushes them; reschedules itself if
   * more are waiting, so one busy consumer cannot monopolise the event loop or build a huge
   * output buffer.
   */
  private void drainAndFlush() {
    drainScheduled.set(false);
    int taken = 0;
    int takenWeight = 0;
    Delivery d;
    try {
      while (taken < DRAIN_BATCH && (d = inbox.poll()) != null) {
        taken++;
        takenWeight += weight(d.entry);
        write(d);
      }
    } finally {
      inboxWeight.addAndGet(-takenWeight); // once per batch: the queues' threads read it per message
    }
    connection.requestFlush();
    if (!inbox.isEmpty() && drainScheduled.compareAndSet(false, true)) {
      scheduleDrain();
    }
    if (inboxWasFull && inboxWeight.get() < INBOX_LIMIT / 2) {
      inboxWasFull = false;
      redispatchConsumedQueues();
    }
  }

  /**
   * Runs {@link #drainTask} on the event loop. From another thread: as a task, which wakes the
   * loop. From the loop itself, where a drain is continuing (or refilling the inbox it drains):
   * as a task scheduled to run now, which Netty takes only after its next round of socket I/O.
   * A task that keeps queuing its successor would otherwise hold the loop for Netty's whole
   * task quantum (a second) while a consumer drains a deep queue, and every other connection
   * on that loop would wait that long.
   */
  private void scheduleDrain() {
    EventLoop loop = connection.eventLoop();
    if (loop.inEventLoop()) {
      loop.schedule(drainTask, 0, TimeUnit.NANOSECONDS);
    } else {
      loop.execute(drainTask);
    }
  }

  /** The channel is closing: what the inbox still holds goes back to its queues, unchanged. */
  private void returnUnwritten() {
    Delivery d;
    while ((d = inbox.poll()) != null) {
      inboxWeight.addAndGet(-weight(d.entry));
      if (d.consumer != null) {
        returnCredit(d);
        d.consumer.queue().putBack(d.entry, !d.consumer.noAck(), false);
      }
    }
  }

  /** Writes a delivery, or hands it back if its consumer or this channel is gone. */
  private void write(Delivery d) {
    Consumer consumer = d.consumer;
    boolean live = state == State.OPEN
        && (consumer == null ? replyTo.isConsuming() : consumers.get(consumer.tag()) == consumer);
    if (!live) {
      if (consumer != null) {
        returnCredit(d);
        consumer.queue().putBack(d.entry, !consumer.noAck());
      }
      return;
    }
    d.tag = nextDeliveryTag++;
    boolean noAck = consumer == null || consumer.noAck();
    if (!noAck) {
      unacked.add(d);
    }
    stats.onDeliver(noAck, d.entry.redelivered());
    Message msg = d.entry.message();
    String consumerTag = consumer == null ? replyTo.consumerTag() : consumer.tag();
    deliverWriter.write(connection.out(), consumerTag, d.tag, d.entry.redelivered(), msg,
        connection.frameMax());
    if (noAck && consumer != null) {
      consumer.queue().forgetWritten(d.entry);
    }
  }

  /** What a delivery counts for against {@link #INBOX_LIMIT}. */
  private static int weight(QueueEntry entry) {
    return Math.max(MIN_WEIGHT, entry.message().bodySize());
  }

  @Override
  public void cancelByBroker(Consumer consumer) {
    connection.eventLoop().execute(() -> {
      if (consumers.remove(consumer.tag(), consumer) && state == State.OPEN
          && connection.clientSupportsCancelNotify()) {
        send(new BasicCancel(consumer.tag(), true));
        connection.requestFlush();
      }
    });
  }

  @Override
  public boolean hasChannelCredit() {
    int limit = channelPrefetch;
    return limit == 0 || channelUnacked.get() < limit;
  }

  @Override
  public void takeChannelCredit() {
    channelUnacked.incrementAndGet();
  }

  @Override
  public boolean acceptsDeliveries() {
    if (inboxWeight.get() >= INBOX_LIMIT) {
      // Keep the rest in the queue (where it is counted and can be paged) until we catch up.
      // Set the flag, then look again: either this thread sees the drain's progress or the
      // drain sees the flag and redispatches, so no wake-up is lost.
      inboxWasFull = true;
      if (inboxWeight.get() >= INBOX_LIMIT) {
        return false;
      }
    }
    return flowActive && connection.isWritable();
  }

  // ------------------------------------------------------------------------------------------

  ChannelSink connection() {
    return connection;
  }

  VirtualHost vhost() {
    return vhost;
  }

  /** Appends a method frame to the connection's output. */
  void send(Method method) {
    Frames.writeMethod(connection.out(), number, method);
  }

  /** Consumers on this channel, for management listings. */
  public List<Consumer> consumers() {
    return List.copyOf(consumers.values());
  }

  public boolean hasConsumers() {
    return !consumers.isEmpty() || replyTo.isConsuming();
  }

  /** publish, confirm, deliver, get and ack counters of this channel. */
  public MessageStats stats() {
    return stats;
  }

  /** basic.qos prefetch for new consumers (prefetch_count in the management API). */
  public int prefetchCount() {
    return consumerPrefetch;
  }

  /** basic.qos global prefetch (global_prefetch_count). */
  public int globalPrefetchCount() {
    return channelPrefetch;
  }

  public int unackedCount() {
    return unacked.size();
  }

  public boolean inConfirmMode() {
    return confirmMode;
  }

  public boolean isTransactional() {
    return tx != null;
  }
}
