package io.warren.stomp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.stomp.DefaultStompFrame;
import io.netty.handler.codec.stomp.StompCommand;
import io.netty.handler.codec.stomp.StompFrame;
import io.netty.handler.codec.stomp.StompHeaders;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.auth.User;
import io.warren.broker.gateway.MessagePublisher;
import io.warren.broker.gateway.QueueSubscription;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One STOMP 1.0 / 1.1 / 1.2 connection on the broker's exchanges and queues, as RabbitMQ's
 * STOMP plugin serves it: CONNECT/STOMP (login, passcode, {@code host} as the vhost,
 * heart-beating), SEND, SUBSCRIBE, UNSUBSCRIBE, ACK, NACK, BEGIN/COMMIT/ABORT, RECEIPT and
 * DISCONNECT. Any error is an ERROR frame (with the failing frame's receipt id) after which the
 * connection closes. Runs on its channel's event loop.
 */
final class StompConnection extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(StompConnection.class);
  private static final List<String> VERSIONS = List.of("1.2", "1.1", "1.0");

  private final Broker broker;
  private final StompSettings settings;
  private final String session = "session-" + UUID.randomUUID();
  private final Map<String, StompSubscription> subscriptions = new HashMap<>();
  /** Open transactions: their SEND, ACK and NACK frames (retained), replayed at COMMIT. */
  private final Map<String, List<StompFrame>> transactions = new LinkedHashMap<>();
  private ChannelHandlerContext ctx;
  private String version;
  private VirtualHost vhost;
  private AccessControl access;
  private MessagePublisher publisher;
  private long nextTag = 1;
  private boolean flushScheduled;

  StompConnection(Broker broker, StompSettings settings) {
    this.broker = broker;
    this.settings = settings;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    StompFrame frame = (StompFrame) msg;
    try {
      if (frame.decoderResult().isFailure()) {
        throw new StompError("Invalid frame", "Could not parse frame: " + frame.decoderResult().cause().getMessage());
      }
      onFrame(frame);
    } catch (StompError e) {
      sendError(e.getMessage(), e.details(), frame.headers().getAsString("receipt"));
    } catch (AmqpException e) {
      sendError(e.code().name().toLowerCase(), e.replyText(), frame.headers().getAsString("receipt"));
    } finally {
      ReferenceCountUtil.release(frame);
    }
  }

  private void onFrame(StompFrame frame) {
    StompCommand command = frame.command();
    if (version == null) {
      if (command == StompCommand.CONNECT || command == StompCommand.STOMP) {
        onConnect(frame.headers());
        return;
      }
      if (!settings.implicitConnect()) {
        throw new StompError("Illegal command", "You must log in using CONNECT first");
      }
      onConnect(new io.netty.handler.codec.stomp.DefaultStompHeaders());
    }
    String receipt = frame.headers().getAsString("receipt");
    String tx = frame.headers().getAsString("transaction");
    if (tx != null && (command == StompCommand.SEND || command == StompCommand.ACK || command == StompCommand.NACK)) {
      List<StompFrame> pending = transactions.get(tx);
      if (pending == null) {
        throw new StompError("Bad transaction", "Invalid transaction identifier: " + tx);
      }
      pending.add(frame.retain());
      receipt(receipt);
      return;
    }
    switch (command) {
      case SEND -> {
        if (onSend(frame) && receipt != null) {
          // a persistent message is on disk before its receipt, as a confirm would say
          broker.store().sync(failure -> ctx.executor().execute(() -> {
            receipt(receipt);
            ctx.flush();
          }));
          return;
        }
      }
      case SUBSCRIBE -> onSubscribe(frame.headers());
      case UNSUBSCRIBE -> onUnsubscribe(frame.headers());
      case ACK -> onAck(frame.headers(), true);
      case NACK -> onAck(frame.headers(), false);
      case BEGIN -> onBegin(requireHeader(frame.headers(), "transaction"));
      case COMMIT -> onCommit(requireHeader(frame.headers(), "transaction"));
      case ABORT -> release(removeTransaction(requireHeader(frame.headers(), "transaction")));
      case DISCONNECT -> {
        if (receipt != null) {
          ctx.writeAndFlush(receiptFrame(receipt)).addListener(ChannelFutureListener.CLOSE);
        } else {
          ctx.close();
        }
        return;
      }
      case CONNECT, STOMP -> throw new StompError("Already connected", "A CONNECT frame was sent on a connection "
          + "that is already connected.");
      default -> throw new StompError("Bad command", "Could not interpret command " + command);
    }
    receipt(receipt);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    ctx.flush();
  }

  // ------------------------------------------------------------------------------------------
  // CONNECT

  private void onConnect(StompHeaders h) {
    version = negotiate(h.getAsString("accept-version"));
    String login = h.getAsString("login");
    String passcode = h.getAsString("passcode");
    if (login == null && settings.defaultUser() != null) {
      login = settings.defaultUser();
      passcode = settings.defaultPass();
    }
    String name = login;
    User user = login == null ? null : broker.users().authenticate(login, passcode == null ? "" : passcode)
        .filter(this::loopbackAllowed).orElse(null);
    if (user == null) {
      throw new StompError("Bad CONNECT", "Access refused for user '" + name + "'");
    }
    String vhostName = h.getAsString("host") == null ? settings.defaultVhost() : h.getAsString("host");
    vhost = broker.vhosts().get(vhostName);
    if (vhost == null || broker.permissions().find(user.name(), vhostName) == null) {
      throw new StompError("Bad CONNECT", "Virtual host '" + vhostName + "' access denied");
    }
    access = new AccessControl(user.name(), vhostName, broker.permissions());
    publisher = new MessagePublisher(vhost, access);
    StompFrame connected = new DefaultStompFrame(StompCommand.CONNECTED);
    connected.headers().set("session", session).set("server", "RabbitMQ/3.10.8");
    if (!version.equals("1.0")) {
      connected.headers().set("version", version).set("heart-beat", heartBeats(h.getAsString("heart-beat")));
    }
    ctx.writeAndFlush(connected);
  }

  private static String negotiate(String acceptVersion) {
    if (acceptVersion == null) {
      return "1.0";
    }
    List<String> offered = List.of(acceptVersion.split(","));
    for (String v : VERSIONS) {
      if (offered.contains(v)) {
        return v;
      }
    }
    throw new StompError("Version mismatch", "Supported versions are 1.0,1.1,1.2");
  }

  /**
   * Heart-beating (STOMP 1.1 §heart-beating): the server sends as often as the client wants to
   * receive, and drops a client silent for twice as long as it promised to send.
   */
  private String heartBeats(String header) {
    long clientSends = 0;
    long clientWants = 0;
    if (header != null) {
      String[] parts = header.split(",");
      try {
        clientSends = Long.parseLong(parts[0].strip());
        clientWants = parts.length > 1 ? Long.parseLong(parts[1].strip()) : 0;
      } catch (NumberFormatException e) {
        throw new StompError("Invalid heart-beat header", "'" + header + "' is not two numbers");
      }
    }
    if (clientSends > 0 || clientWants > 0) {
      ctx.pipeline().addFirst("stomp-heartbeat",
          new IdleStateHandler(clientSends * 2, clientWants, 0, TimeUnit.MILLISECONDS));
    }
    return clientWants + "," + clientSends;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent e) {
      if (e.state() == io.netty.handler.timeout.IdleState.WRITER_IDLE) {
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {'\n'})); // a heart-beat
      } else if (e.state() == io.netty.handler.timeout.IdleState.READER_IDLE) {
        LOG.warn("STOMP connection {}: no heart-beat from the client, closing", ctx.channel().remoteAddress());
        ctx.close();
      }
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  private boolean loopbackAllowed(User u) {
    var config = broker.config();
    if (!config.loopbackOnlyUsers() || !u.name().equals(config.defaultUser())) {
      return true;
    }
    return ctx.channel().remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }

  // ------------------------------------------------------------------------------------------
  // SEND

  /** Publishes a SEND; returns whether a durable queue logged it (its receipt then waits for the disk). */
  private boolean onSend(StompFrame frame) {
    Destination d = Destination.parse(frame.headers().getAsString("destination"));
    if (d.kind() == Destination.Kind.QUEUE) {
      declareQueue(d.name(), true, false, false, frame.headers().getAsString("x-queue-type"));
    }
    byte[] body = ByteBufUtil.getBytes(frame.content());
    int outcome = publisher.publish(d.exchange(), d.routingKey(), StompProperties.fromSend(frame.headers()), body);
    return (outcome & MessagePublisher.PERSISTED) != 0;
  }

  // ------------------------------------------------------------------------------------------
  // SUBSCRIBE, deliveries, ACK / NACK

  private void onSubscribe(StompHeaders h) {
    String destinationHeader = h.getAsString("destination");
    Destination d = Destination.parse(destinationHeader);
    String id = h.getAsString("id");
    if (id == null) {
      if (!version.equals("1.0")) {
        throw new StompError("Missing header", "SUBSCRIBE needs an id header in STOMP " + version);
      }
      id = destinationHeader;
    }
    if (subscriptions.containsKey(id)) {
      throw new StompError("Duplicated subscription identifier", "A subscription identified by '" + id
          + "' already exists.");
    }
    StompSubscription.AckMode mode = StompSubscription.AckMode.parse(h.getAsString("ack"));
    int prefetch = h.getAsString("prefetch-count") == null ? 0 : Integer.parseInt(h.getAsString("prefetch-count"));
    AmqpQueue queue = switch (d.kind()) {
      case QUEUE -> declareQueue(d.name(), !"false".equals(h.getAsString("durable")),
          "true".equals(h.getAsString("auto-delete")), false, h.getAsString("x-queue-type"));
      case AMQ_QUEUE -> vhost.queueOrThrow(d.name());
      case TOPIC, EXCHANGE -> subscriptionQueue(d, h);
    };
    access.checkRead(AccessControl.Kind.QUEUE, queue.name());
    StompSubscription sub = new StompSubscription(id, mode);
    subscriptions.put(id, sub);
    try {
      sub.attach(QueueSubscription.start(queue, "T_" + id, mode == StompSubscription.AckMode.AUTO, prefetch, false,
          ctx.executor(), () -> ctx.channel().isWritable(), (qs, entry) -> deliver(sub, entry)));
    } catch (AmqpQueue.ExclusiveConsumerConflict e) {
      subscriptions.remove(id);
      throw AmqpException.resourceLocked("cannot obtain exclusive access to locked queue '%s' in vhost '%s'",
          queue.name(), vhost.name());
    }
  }

  /**
   * The queue of a /topic or /exchange subscription: exclusive and auto-delete, named by the
   * broker unless {@code x-queue-name} names it; bound to the exchange with the key.
   */
  private AmqpQueue subscriptionQueue(Destination d, StompHeaders h) {
    vhost.exchangeOrThrow(d.name());
    String name = h.getAsString("x-queue-name");
    boolean durable = "true".equals(h.getAsString("durable")) || "true".equals(h.getAsString("persistent"));
    if (durable && name == null) {
      throw new StompError("Unsupported header", "Durable topic subscriptions need an x-queue-name header in Warren.");
    }
    boolean autoDelete = !durable || !"false".equals(h.getAsString("auto-delete"));
    AmqpQueue q = declareQueue(name == null ? "stomp-subscription-" + UUID.randomUUID() : name, durable, autoDelete,
        !durable, h.getAsString("x-queue-type"));
    access.checkWrite(AccessControl.Kind.QUEUE, q.name());
    access.checkRead(AccessControl.Kind.EXCHANGE, d.name());
    vhost.bind(d.name(), q, d.key(), Map.of());
    return q;
  }

  private AmqpQueue declareQueue(String name, boolean durable, boolean autoDelete, boolean exclusive, String type) {
    if (type != null && !type.equals("classic")) {
      throw new StompError("Unsupported header", "x-queue-type '" + type + "' is not supported (only classic).");
    }
    AmqpQueue existing = vhost.queue(name);
    if (existing != null) {
      return existing;
    }
    access.checkConfigure(AccessControl.Kind.QUEUE, name);
    return vhost.declareQueue(name, false, durable, exclusive, autoDelete, Map.of(), this);
  }

  private void deliver(StompSubscription sub, QueueEntry entry) {
    long tag = nextTag++;
    sub.delivered(tag, entry);
    Message m = entry.message();
    StompFrame frame = new DefaultStompFrame(StompCommand.MESSAGE, Unpooled.wrappedBuffer(m.body()));
    StompHeaders h = frame.headers();
    StompProperties.toMessage(m.properties(), h);
    String messageId = "T_" + sub.id() + "@@" + session + "@@" + tag;
    h.set("subscription", sub.id()).set("destination", Destination.of(m.exchange(), m.routingKey()))
        .set("message-id", messageId).set("redelivered", String.valueOf(entry.redelivered()));
    if (version.equals("1.2") && sub.mode() != StompSubscription.AckMode.AUTO) {
      h.set("ack", messageId);
    }
    h.setInt("content-length", m.bodySize());
    ctx.write(frame, ctx.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(() -> {
        flushScheduled = false;
        ctx.flush();
      });
    }
  }

  private void onAck(StompHeaders h, boolean ack) {
    String id = version.equals("1.2") ? h.getAsString("id") : h.getAsString("message-id");
    if (id == null) {
      throw new StompError("Missing header", (ack ? "ACK" : "NACK") + " needs an "
          + (version.equals("1.2") ? "id" : "message-id") + " header");
    }
    int first = id.indexOf("@@");
    int last = id.lastIndexOf("@@");
    StompSubscription sub = first > 2 && id.startsWith("T_") ? subscriptions.get(id.substring(2, first)) : null;
    if (sub == null || first == last) {
      throw new StompError("Invalid message-id", "Unknown message id " + id);
    }
    boolean requeue = !"false".equals(h.getAsString("requeue"));
    for (QueueEntry e : sub.take(Long.parseLong(id.substring(last + 2)))) {
      if (ack) {
        sub.queueSubscription().ack(e);
      } else if (requeue) {
        sub.queueSubscription().requeue(e);
      } else {
        sub.queueSubscription().reject(e);
      }
    }
  }

  private void onUnsubscribe(StompHeaders h) {
    String id = h.getAsString("id") != null ? h.getAsString("id") : h.getAsString("destination");
    StompSubscription sub = id == null ? null : subscriptions.remove(id);
    if (sub == null) {
      throw new StompError("Missing subscription", "Subscription not found: " + id);
    }
    sub.cancel();
  }

  // ------------------------------------------------------------------------------------------
  // transactions, receipts, errors, the end

  private void onBegin(String tx) {
    if (transactions.putIfAbsent(tx, new ArrayList<>()) != null) {
      throw new StompError("Bad transaction", "Transaction " + tx + " already started");
    }
  }

  private void onCommit(String tx) {
    List<StompFrame> frames = removeTransaction(tx);
    try {
      for (StompFrame f : frames) {
        f.headers().remove("transaction");
        f.headers().remove("receipt");
        switch (f.command()) {
          case SEND -> onSend(f);
          case ACK -> onAck(f.headers(), true);
          default -> onAck(f.headers(), false);
        }
      }
    } finally {
      release(frames);
    }
  }

  private List<StompFrame> removeTransaction(String tx) {
    List<StompFrame> frames = transactions.remove(tx);
    if (frames == null) {
      throw new StompError("Bad transaction", "Invalid transaction identifier: " + tx);
    }
    return frames;
  }

  private static void release(List<StompFrame> frames) {
    frames.forEach(ReferenceCountUtil::release);
  }

  private static String requireHeader(StompHeaders h, String name) {
    String v = h.getAsString(name);
    if (v == null) {
      throw new StompError("Missing '" + name + "' header", "The frame needs a '" + name + "' header.");
    }
    return v;
  }

  private void receipt(String id) {
    if (id != null) {
      ctx.write(receiptFrame(id), ctx.voidPromise());
    }
  }

  private static StompFrame receiptFrame(String id) {
    StompFrame f = new DefaultStompFrame(StompCommand.RECEIPT);
    f.headers().set("receipt-id", id);
    return f;
  }

  private void sendError(String message, String details, String receiptId) {
    LOG.warn("STOMP connection {}: {}: {}", ctx.channel().remoteAddress(), message, details);
    ByteBuf body = Unpooled.copiedBuffer(details, StandardCharsets.UTF_8);
    StompFrame error = new DefaultStompFrame(StompCommand.ERROR, body);
    error.headers().set("message", message).set("content-type", "text/plain")
        .setInt("content-length", body.readableBytes());
    if (receiptId != null) {
      error.headers().set("receipt-id", receiptId);
    }
    ctx.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      for (StompSubscription s : subscriptions.values()) {
        if (s.queueSubscription() != null) {
          s.queueSubscription().resume();
        }
      }
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.warn("STOMP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    for (StompSubscription s : subscriptions.values()) {
      s.cancel();
    }
    subscriptions.clear();
    transactions.values().forEach(StompConnection::release);
    transactions.clear();
    if (vhost != null) {
      vhost.removeExclusiveQueues(this);
    }
    ctx.fireChannelInactive();
  }
}
