package io.warren.broker.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.warren.broker.AmqpException;
import io.warren.broker.BrokerContext;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.auth.SaslMechanism;
import io.warren.broker.auth.User;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.channel.ChannelSink;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.ContentBodyFrame;
import io.warren.codec.ContentHeaderFrame;
import io.warren.codec.FrameDecoder;
import io.warren.codec.FrameErrorEvent;
import io.warren.codec.FrameException;
import io.warren.codec.Frames;
import io.warren.codec.HeartbeatFrame;
import io.warren.codec.LongString;
import io.warren.codec.MethodFrame;
import io.warren.codec.ProtocolConstants;
import io.warren.codec.ProtocolHeaderFrame;
import io.warren.codec.method.ChannelOpen;
import io.warren.codec.method.ChannelOpenOk;
import io.warren.codec.method.ConnectionBlocked;
import io.warren.codec.method.ConnectionClose;
import io.warren.codec.method.ConnectionCloseOk;
import io.warren.codec.method.ConnectionOpen;
import io.warren.codec.method.ConnectionOpenOk;
import io.warren.codec.method.ConnectionStart;
import io.warren.codec.method.ConnectionStartOk;
import io.warren.codec.method.ConnectionTune;
import io.warren.codec.method.ConnectionTuneOk;
import io.warren.codec.method.ConnectionUnblocked;
import io.warren.codec.method.ConnectionUpdateSecret;
import io.warren.codec.method.ConnectionUpdateSecretOk;
import io.warren.codec.method.Method;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the handshake (start, tune, open), its channels, heartbeats and
 * closing, all on the connection's Netty event loop.
 *
 * <p>Output is batched: handlers append frames to one buffer, which is flushed once at the end
 * of each read batch ({@link #channelReadComplete}) or delivery batch, so a client that pipelines
 * publishes gets its confirms in a few writes rather than one per message.
 */
public final class AmqpConnection extends ChannelInboundHandlerAdapter implements ChannelSink {

  private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

  /** RabbitMQ's handshake_timeout: a client must finish connection.open within 10 s. */
  private static final long HANDSHAKE_TIMEOUT_MS = 10_000;
  /** Output that a read batch flushes before it goes on; see {@link #channelRead}. */
  private static final int FLUSH_EARLY_BYTES = 256 * 1024;
  /** How long we wait for connection.close-ok after sending connection.close. */
  private static final long CLOSE_OK_TIMEOUT_MS = 3_000;

  private enum State { AWAIT_PROTOCOL_HEADER, AWAIT_START_OK, AWAIT_TUNE_OK, AWAIT_OPEN, OPEN, CLOSING, CLOSED }

  private final BrokerContext broker;
  private final FrameDecoder decoder;
  private ChannelHandlerContext ctx;
  private State state = State.AWAIT_PROTOCOL_HEADER;

  private Map<String, Object> clientProperties = Map.of();
  private boolean cancelNotify;
  private boolean authFailureClose;
  private boolean blockedNotify;
  private User user;
  private AccessControl access;
  private volatile String authMechanism;
  private VirtualHost vhost;
  private int channelMax;
  private int frameMax = ProtocolConstants.FRAME_MIN_SIZE;
  private int heartbeat;
  private Heartbeats heartbeats;

  private final ChannelTable channels = new ChannelTable();
  /** Channels that asked to settle batched confirms and counters before the next flush. */
  private final List<AmqpChannel> beforeFlush = new ArrayList<>();
  private ByteBuf out;
  private boolean inReadBatch;
  private int framesInReadBatch;
  private boolean flushScheduled;
  private volatile boolean writable = true;
  private ScheduledFuture<?> handshakeTimer;
  /** Blocked by a resource alarm (low disk) after publishing; see {@link #onPublished()}. */
  private boolean alarmBlocked;
  /** Closes the connection when the client stops reading for good (RabbitMQ's send_timeout). */
  private WriteStall writeStall;
  private final long connectedAt = System.currentTimeMillis();
  /** Bytes and writes sent, for the management API (send_oct, send_cnt); one write per flush. */
  private volatile long bytesSent;
  private volatile long writes;

  public AmqpConnection(BrokerContext broker, FrameDecoder decoder) {
    this.broker = broker;
    this.decoder = decoder;
  }

  // ------------------------------------------------------------------------------------------
  // Netty events

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    writeStall = new WriteStall(ctx.channel(), broker.config().sendTimeout().toMillis(), () -> bytesSent,
        this::onWriteStalled);
    handshakeTimer = ctx.executor().schedule(this::onHandshakeTimeout, HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    broker.connections().add(this);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    inReadBatch = true;
    framesInReadBatch++;
    try {
      onFrame(msg);
    } catch (AmqpException e) {
      connectionError(e);
    } catch (RuntimeException e) {
      LOG.error("internal error on connection {}", this, e);
      connectionError(internalError(e));
    } finally {
      ReferenceCountUtil.release(msg);
    }
    if (out != null && out.readableBytes() >= FLUSH_EARLY_BYTES) {
      // a read batch of requests with big answers (basic.get, returns): hand them to the socket
      // now, so that its writability tells whether to go on with the rest of the batch
      flush();
      if (!writable) {
        updateReading();
      }
    }
  }

  /**
   * What the client is told of a failure inside the broker: never the exception's text, which
   * names classes and the data folder's files (those are in the broker's log).
   */
  private static AmqpException internalError(RuntimeException e) {
    if (e instanceof io.warren.store.StoreException s && s.isOutOfSpace()) {
      return AmqpException.internalError("the broker's disk is full");
    }
    return AmqpException.internalError("internal error, see the broker's log");
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    inReadBatch = false;
    if (heartbeats != null) {
      heartbeats.onRead();
    }
    ReadCoalescing.onFramesRead(framesInReadBatch);
    framesInReadBatch = 0;
    flush();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    writable = ctx.channel().isWritable();
    writeStall.onWritabilityChanged(writable);
    updateReading();
    if (writable) {
      channels.forEach(AmqpChannel::onWritable);
    }
  }

  private void onWriteStalled() {
    LOG.warn("closing connection {}: the client has read nothing for {} s", this,
        broker.config().sendTimeout().toSeconds());
    closeNow();
  }

  private void sendHeartbeat() {
    Frames.writeHeartbeat(out());
    flush();
  }

  private void onClientSilent() {
    LOG.warn("closing connection {}: missed heartbeats from client, timeout: {}s", this, heartbeat);
    closeNow();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    cancelHandshakeTimer();
    if (heartbeats != null) {
      heartbeats.stop();
    }
    writeStall.stop();
    releaseAll();
    if (out != null) {
      out.release();
      out = null;
    }
    broker.connections().remove(this);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof java.io.IOException) {
      LOG.debug("connection {} failed", this, cause);
    } else {
      LOG.warn("closing connection {} after an unexpected error", this, cause);
    }
    closeNow();
  }

  // ------------------------------------------------------------------------------------------
  // frames

  private void onFrame(Object msg) {
    switch (msg) {
      case ProtocolHeaderFrame header -> onProtocolHeader(header);
      case FrameErrorEvent error -> onFrameError(error.error());
      case MethodFrame frame -> onMethodFrame(frame.channel(), frame.method());
      case ContentHeaderFrame frame -> {
        if (state == State.OPEN) {
          channelFor(frame.channel()).onContentHeader(frame.header());
        }
      }
      case ContentBodyFrame frame -> {
        if (state == State.OPEN) {
          channelFor(frame.channel()).onContentBody(frame.content());
        }
      }
      case HeartbeatFrame frame -> {
        if (frame.channel() != 0) {
          throw AmqpException.frameError("heartbeat frame on non-zero channel %d", frame.channel());
        }
      }
      default -> throw new IllegalStateException("unexpected inbound object " + msg);
    }
  }

  private void onProtocolHeader(ProtocolHeaderFrame header) {
    if (header == ProtocolHeaderFrame.REJECTED) {
      // RabbitMQ answers an unsupported protocol header with the one it speaks, then hangs up.
      ctx.writeAndFlush(Unpooled.wrappedBuffer(Frames.PROTOCOL_HEADER)).addListener(ChannelFutureListener.CLOSE);
      state = State.CLOSED;
      return;
    }
    send(0, new ConnectionStart(0, 9, ServerProperties.build(broker.config()),
        LongString.of("PLAIN AMQPLAIN"), LongString.of("en_US")));
    state = State.AWAIT_START_OK;
  }

  private void onMethodFrame(int channel, Method method) {
    if (state == State.CLOSING) {
      if (method instanceof ConnectionCloseOk) {
        closeNow();
      } else if (method instanceof ConnectionClose) {
        send(0, new ConnectionCloseOk());
        flushAndClose();
      }
      return;
    }
    if (channel == 0) {
      try {
        onConnectionMethod(method);
      } catch (AmqpException e) {
        throw e.during(method.classId(), method.methodId());
      }
      return;
    }
    if (state != State.OPEN) {
      throw AmqpException.commandInvalid("channel %d used before connection.open", channel)
          .during(method.classId(), method.methodId());
    }
    if (method instanceof ChannelOpen) {
      openChannel(channel);
      return;
    }
    AmqpChannel ch = channels.get(channel);
    if (ch == null) {
      throw AmqpException.channelError("expected 'channel.open'").during(method.classId(), method.methodId());
    }
    ch.onMethod(method);
  }

  private AmqpChannel channelFor(int number) {
    AmqpChannel ch = channels.get(number);
    if (ch == null) {
      throw AmqpException.channelError("expected 'channel.open'");
    }
    return ch;
  }

  private void openChannel(int number) {
    if (channels.get(number) != null) {
      AmqpChannel existing = channels.get(number);
      if (existing.isOpen()) {
        existing.onMethod(new ChannelOpen(""));
        return;
      }
      // still closing: RabbitMQ treats reuse before close-ok as a channel error too
      throw AmqpException.channelError("second 'channel.open' seen").during(ChannelOpen.CLASS_ID, ChannelOpen.METHOD_ID);
    }
    if (channelMax != 0 && channels.size() >= channelMax) {
      // RabbitMQ counts open channels, not channel numbers, and names no method here.
      throw AmqpException.notAllowed("number of channels opened (%d) has reached the negotiated channel_max (%d)",
          channels.size(), channelMax);
    }
    channels.put(number, new AmqpChannel(number, this));
    send(number, new ChannelOpenOk(LongString.of("")));
  }

  // ------------------------------------------------------------------------------------------
  // connection class methods

  private void onConnectionMethod(Method method) {
    switch (method) {
      case ConnectionStartOk m when state == State.AWAIT_START_OK -> onStartOk(m);
      case ConnectionTuneOk m when state == State.AWAIT_TUNE_OK -> onTuneOk(m);
      case ConnectionOpen m when state == State.AWAIT_OPEN -> onOpen(m);
      case ConnectionClose m -> {
        releaseAll();
        send(0, new ConnectionCloseOk());
        state = State.CLOSING;
        flushAndClose();
      }
      case ConnectionUpdateSecret m when state == State.OPEN -> send(0, new ConnectionUpdateSecretOk());
      case ConnectionBlocked m -> {
        // clients do not block servers; ignore as RabbitMQ does
      }
      case ConnectionUnblocked m -> {
      }
      default -> throw AmqpException.channelError("unexpected method in connection state %s", stateName());
    }
  }

  /** The connection states as RabbitMQ names them in its errors. */
  private String stateName() {
    return switch (state) {
      case AWAIT_PROTOCOL_HEADER, AWAIT_START_OK -> "starting";
      case AWAIT_TUNE_OK -> "tuning";
      case AWAIT_OPEN -> "opening";
      case OPEN -> "running";
      case CLOSING, CLOSED -> "closing";
    };
  }

  private void onStartOk(ConnectionStartOk m) {
    clientProperties = m.clientProperties();
    readClientCapabilities();
    SaslMechanism mechanism = SaslMechanism.byName(m.mechanism());
    if (mechanism == null) {
      // RabbitMQ's reader gives up without a word before the connection is tuned.
      LOG.warn("closing connection {}: unknown authentication mechanism '{}'", this, m.mechanism());
      closeNow();
      return;
    }
    SaslMechanism.Credentials credentials = mechanism.parse(m.response());
    User authenticated = credentials == null ? null
        : broker.users().authenticate(credentials.username(), credentials.password())
            .filter(u -> loopbackAllowed(u))
            .orElse(null);
    if (authenticated == null) {
      LOG.warn("login refused for connection {}: user '{}' with mechanism {}", this,
          credentials == null ? "?" : credentials.username(), mechanism.name());
      AmqpException refused = AmqpException.accessRefused(
          "Login was refused using authentication mechanism %s. For details see the broker logfile.",
          mechanism.name());
      if (authFailureClose) {
        throw refused;
      }
      closeNow();
      return;
    }
    user = authenticated;
    authMechanism = mechanism.name();
    send(0, new ConnectionTune(broker.config().channelMax(), broker.config().frameMax(),
        (int) broker.config().heartbeat().toSeconds()));
    state = State.AWAIT_TUNE_OK;
  }

  /** RabbitMQ's loopback_users: the default user may only connect from this machine. */
  private boolean loopbackAllowed(User u) {
    if (!broker.config().loopbackOnlyUsers() || !u.name().equals(broker.config().defaultUser())) {
      return true;
    }
    return ctx.channel().remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }

  private void readClientCapabilities() {
    if (clientProperties.get("capabilities") instanceof Map<?, ?> caps) {
      cancelNotify = Boolean.TRUE.equals(caps.get("consumer_cancel_notify"));
      authFailureClose = Boolean.TRUE.equals(caps.get("authentication_failure_close"));
      blockedNotify = Boolean.TRUE.equals(caps.get("connection.blocked"));
    }
  }

  private void onTuneOk(ConnectionTuneOk m) {
    try {
      Tuning.checkNegotiated("frame_max", ProtocolConstants.FRAME_MIN_SIZE, broker.config().frameMax(), m.frameMax());
      Tuning.checkNegotiated("channel_max", 0, broker.config().channelMax(), m.channelMax());
    } catch (AmqpException e) {
      // Not yet open: like RabbitMQ, log why and close the socket without a close method.
      LOG.warn("closing connection {}: {}", this, e.replyText());
      closeNow();
      return;
    }
    frameMax = m.frameMax();
    channelMax = m.channelMax();
    heartbeat = m.heartbeat();
    decoder.setMaxFrameSize(frameMax);
    if (heartbeat > 0) {
      heartbeats = new Heartbeats(ctx.executor(), heartbeat, this::sendHeartbeat, this::onClientSilent,
          this::readingPausedOnPurpose);
    }
    state = State.AWAIT_OPEN;
  }

  private void onOpen(ConnectionOpen m) {
    VirtualHost host = broker.vhosts().get(m.virtualHost());
    if (host == null) {
      throw AmqpException.notAllowed("vhost %s not found", m.virtualHost());
    }
    AccessControl.checkVhostAccess(broker.permissions(), user.name(), host.name());
    access = new AccessControl(user.name(), host.name(), broker.permissions());
    vhost = host;
    cancelHandshakeTimer();
    state = State.OPEN;
    send(0, new ConnectionOpenOk(""));
  }

  // ------------------------------------------------------------------------------------------
  // errors and closing

  /** A hard error: tell the client with connection.close and drop everything this connection holds. */
  @Override
  public void connectionError(AmqpException e) {
    if (state == State.CLOSING || state == State.CLOSED) {
      return;
    }
    LOG.info("closing connection {}: {}", this, e.replyText());
    if (state == State.AWAIT_PROTOCOL_HEADER) {
      closeNow();
      return;
    }
    releaseAll();
    send(0, new ConnectionClose(e.code().code(), e.replyText(), e.classId(), e.methodId()));
    state = State.CLOSING;
    flush();
    ctx.executor().schedule(this::closeNow, CLOSE_OK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  /** Malformed bytes: answered as RabbitMQ answers them (the codec knows how). */
  private void onFrameError(FrameException e) {
    if (state != State.OPEN || e.action() == FrameException.Action.DROP) {
      // RabbitMQ sends nothing before connection.open, nor when its reader crashes.
      // the text, not the exception: SLF4J takes a trailing Throwable as the stack trace to
      // print, and would leave the second {} unfilled
      LOG.info("closing connection {}: {}", this, e.getMessage());
      closeNow();
      return;
    }
    connectionError(AmqpException.withReplyText(e.replyCode(), e.replyText(), e.classId(), e.methodId()));
  }

  private void onHandshakeTimeout() {
    if (state != State.OPEN && state != State.CLOSED) {
      LOG.warn("closing connection {}: handshake timeout", this);
      closeNow();
    }
  }

  private void cancelHandshakeTimer() {
    if (handshakeTimer != null) {
      handshakeTimer.cancel(false);
      handshakeTimer = null;
    }
  }

  /** Channels let go of consumers and unacked messages; exclusive queues are deleted. */
  private void releaseAll() {
    channels.forEach(AmqpChannel::release);
    channels.clear();
    beforeFlush.clear();
    if (vhost != null) {
      vhost.removeExclusiveQueues(this);
    }
  }

  private void flushAndClose() {
    ByteBuf pending = takeOut();
    if (pending != null) {
      ctx.writeAndFlush(pending).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
    state = State.CLOSED;
  }

  private void closeNow() {
    if (ctx != null) {
      ctx.close();
    }
  }

  /** Closes the connection from the broker's side (management, shutdown) with 320 CONNECTION_FORCED. */
  public void forceClose(String reason) {
    ctx.executor().execute(() -> connectionError(AmqpException.of(io.warren.codec.method.ReplyCode.CONNECTION_FORCED,
        "%s", reason)));
  }

  // ------------------------------------------------------------------------------------------
  // output

  private void send(int channel, Method method) {
    Frames.writeMethod(out(), channel, method);
  }

  @Override
  public int unflushedBytes() {
    return out == null ? 0 : out.readableBytes();
  }

  @Override
  public ByteBuf out() {
    if (out == null) {
      out = ctx.alloc().ioBuffer(4096);
    }
    return out;
  }

  private ByteBuf takeOut() {
    ByteBuf pending = out;
    out = null;
    return pending != null && pending.isReadable() ? pending : release(pending);
  }

  private static ByteBuf release(ByteBuf b) {
    if (b != null) {
      b.release();
    }
    return null;
  }

  private void flush() {
    flushScheduled = false;
    if (!beforeFlush.isEmpty()) {
      for (AmqpChannel ch : beforeFlush) {
        ch.beforeFlush();
      }
      beforeFlush.clear();
    }
    ByteBuf pending = takeOut();
    if (pending != null && ctx.channel().isActive()) {
      if (heartbeats != null) {
        heartbeats.onWrite();
      }
      bytesSent += pending.readableBytes();
      writes++;
      ctx.writeAndFlush(pending, ctx.voidPromise());
      writable = ctx.channel().isWritable();
    } else if (pending != null) {
      pending.release();
    }
  }

  @Override
  public void requestFlush() {
    if (inReadBatch || flushScheduled) {
      return;
    }
    flushScheduled = true;
    ctx.executor().execute(this::flush);
  }

  @Override
  public void callBeforeFlush(AmqpChannel channel) {
    if (!beforeFlush.contains(channel)) {
      beforeFlush.add(channel);
    }
    requestFlush();
  }

  // ------------------------------------------------------------------------------------------
  // ChannelSink

  @Override
  public EventLoop eventLoop() {
    return ctx.channel().eventLoop();
  }

  @Override
  public VirtualHost vhost() {
    return vhost;
  }

  @Override
  public int frameMax() {
    return frameMax;
  }

  @Override
  public long maxMessageSize() {
    return broker.config().maxMessageSize();
  }

  @Override
  public boolean isWritable() {
    return writable;
  }

  @Override
  public boolean clientSupportsCancelNotify() {
    return cancelNotify;
  }

  @Override
  public Object owner() {
    return this;
  }

  /**
   * RabbitMQ blocks a connection under a resource alarm when it next publishes: it sends
   * connection.blocked (to clients that asked for it) and stops reading from the socket.
   */
  @Override
  public void onPublished() {
    if (!alarmBlocked && broker.publishingBlocked()) {
      alarmBlocked = true;
      if (blockedNotify) {
        send(0, new ConnectionBlocked(broker.blockedReason()));
      }
      updateReading();
    }
  }

  /** A resource alarm (disk, memory) went on or off (any thread): unblocks once none is on. */
  public void onResourceAlarmChanged() {
    ctx.executor().execute(() -> {
      if (alarmBlocked && !broker.publishingBlocked()) {
        alarmBlocked = false;
        if (blockedNotify) {
          send(0, new ConnectionUnblocked());
          flush();
        }
        updateReading();
      }
    });
  }

  /**
   * True while the broker keeps itself from reading this socket: a resource alarm, or output the
   * client has not read yet. A client that sends requests (basic.get, mandatory publishes that
   * come back) without reading the answers would otherwise make the broker buffer without end;
   * not reading lets TCP push back on it instead.
   */
  private boolean readingPausedOnPurpose() {
    return alarmBlocked || !writable;
  }

  /** Reads from the socket unless a resource alarm or unread output says not to. */
  private void updateReading() {
    boolean pause = readingPausedOnPurpose();
    ctx.channel().config().setAutoRead(!pause);
    if (pause) {
      decoder.pause();
    } else {
      decoder.resume();
    }
  }

  @Override
  public void storeWriteFailed(io.warren.store.StoreException failure, long bytes) {
    broker.storeWriteFailed(failure, bytes);
  }

  @Override
  public void syncStore(java.util.function.Consumer<io.warren.store.StoreException> onDurable) {
    io.warren.store.MessageStore store = broker.store();
    if (store == null) { // no data folder: nothing to wait for
      ctx.executor().execute(() -> onDurable.accept(null));
      return;
    }
    store.sync(failure -> ctx.executor().execute(() -> onDurable.accept(failure)));
  }

  /** Bytes received so far (RabbitMQ's recv_oct). */
  public long bytesReceived() {
    return decoder.bytesRead();
  }

  /** Socket reads so far (recv_cnt). */
  public long receiveCount() {
    return decoder.reads();
  }

  /** Bytes sent so far (send_oct). */
  public long bytesSent() {
    return bytesSent;
  }

  /** Writes so far (send_cnt). */
  public long sendCount() {
    return writes;
  }

  @Override
  public void channelClosed(int number) {
    channels.remove(number);
    beforeFlush.removeIf(c -> c.number() == number);
  }

  // ------------------------------------------------------------------------------------------
  // introspection (management)

  public User user() {
    return user;
  }

  @Override
  public AccessControl access() {
    return access;
  }

  /** A snapshot of the open channels, taken on the connection's event loop. */
  public List<AmqpChannel> channels() {
    List<AmqpChannel> all = readChannels(List::copyOf);
    return all == null ? List.of() : all;
  }

  /**
   * Runs {@code reader} over the open channels on this connection's event loop, where channel
   * state may be read safely, and returns its result; null if the connection is gone or its
   * loop does not answer within a second (management listings then skip it).
   */
  public <T> T readChannels(java.util.function.Function<List<AmqpChannel>, T> reader) {
    if (ctx == null) {
      return null;
    }
    java.util.concurrent.Callable<T> read = () -> {
      List<AmqpChannel> all = new ArrayList<>();
      channels.forEachLive(all::add);
      return reader.apply(all);
    };
    try {
      return ctx.executor().inEventLoop() ? read.call() : ctx.executor().submit(read).get(1, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  /** The name RabbitMQ gives a connection: "peer-host:port -> local-host:port". */
  public String name() {
    return ctx == null ? "(not connected)" : hostPort(remoteAddress()) + " -> " + hostPort(localAddress());
  }

  private static String hostPort(java.net.SocketAddress address) {
    return address instanceof InetSocketAddress a && a.getAddress() != null
        ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(address);
  }

  public java.net.SocketAddress remoteAddress() {
    return ctx == null ? null : ctx.channel().remoteAddress();
  }

  public java.net.SocketAddress localAddress() {
    return ctx == null ? null : ctx.channel().localAddress();
  }

  /** The SASL mechanism the client logged in with (null before start-ok). */
  public String authMechanism() {
    return authMechanism;
  }

  /** Negotiated channel-max, frame-max and heartbeat (0 until tune-ok). */
  public int channelMax() {
    return channelMax;
  }

  public int negotiatedFrameMax() {
    return frameMax;
  }

  public int heartbeat() {
    return heartbeat;
  }

  /** Whether the handshake is done (connection.open-ok sent) and the connection not closing. */
  public boolean isRunning() {
    return state == State.OPEN;
  }

  public Map<String, Object> clientProperties() {
    return clientProperties;
  }

  public int channelCount() {
    return channels.size();
  }

  public long connectedAt() {
    return connectedAt;
  }

  public boolean supportsBlockedNotification() {
    return blockedNotify;
  }

  @Override
  public String toString() {
    if (ctx == null) {
      return "(not connected)";
    }
    return String.valueOf(ctx.channel().remoteAddress()) + " -> " + ctx.channel().localAddress();
  }
}
