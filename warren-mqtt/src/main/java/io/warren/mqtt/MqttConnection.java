package io.warren.mqtt;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.auth.AccessControl;
import io.warren.broker.auth.User;
import io.warren.broker.gateway.MessagePublisher;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MQTT 3.1 / 3.1.1 connection: CONNECT (login, client-id takeover, keepalive, will),
 * PUBLISH into the MQTT exchange with QoS 0, 1 and 2, SUBSCRIBE / UNSUBSCRIBE through the
 * client's {@link MqttSession}, PINGREQ and DISCONNECT. Runs on its channel's event loop.
 *
 * <p>Errors are answered as RabbitMQ's plugin answers them: a refused CONNECT gets its CONNACK
 * return code and the connection closes; a refused PUBLISH (no write permission, no exchange)
 * or a malformed packet closes the connection; a refused subscription gets SUBACK's 0x80.
 */
final class MqttConnection extends ChannelInboundHandlerAdapter {

  private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
  private static final String DUP_HEADER = "x-mqtt-dup";

  /** A will message, published if the connection ends without DISCONNECT. */
  private record Will(String topic, int qos, boolean retain, byte[] payload) {
  }

  private final MqttContext context;
  private final PublishAcks acks = new PublishAcks();
  /** QoS 2 packet ids published and PUBREC'd, awaiting the client's PUBREL. */
  private final Set<Integer> awaitingRelease = new HashSet<>();
  private ChannelHandlerContext ctx;
  private boolean connected;
  private String clientId;
  private String vhostName;
  private boolean cleanSession;
  private MqttSession session;
  private MessagePublisher publisher;
  private Will will;
  private boolean flushScheduled;
  private boolean pausedByAlarm;

  MqttConnection(MqttContext context) {
    this.context = context;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      MqttMessage m = (MqttMessage) msg;
      if (m.decoderResult().isFailure()) {
        onMalformed(m.decoderResult().cause());
        return;
      }
      MqttMessageType type = m.fixedHeader().messageType();
      if (!connected && type != MqttMessageType.CONNECT) {
        close("sent " + type + " before CONNECT");
        return;
      }
      switch (type) {
        case CONNECT -> onConnect((MqttConnectMessage) m);
        case PUBLISH -> onPublish((MqttPublishMessage) m);
        case PUBACK -> session.onPubAck(packetId(m));
        case PUBREL -> onPubRel(packetId(m));
        case SUBSCRIBE -> onSubscribe((MqttSubscribeMessage) m);
        case UNSUBSCRIBE -> onUnsubscribe((MqttUnsubscribeMessage) m);
        case PINGREQ -> ctx.write(new MqttMessage(fixed(MqttMessageType.PINGRESP)), ctx.voidPromise());
        case DISCONNECT -> {
          will = null; // a clean DISCONNECT discards the will
          ctx.close();
        }
        // Warren never sends QoS 2, so PUBREC/PUBCOMP from a client answer nothing of ours.
        case PUBREC, PUBCOMP -> { }
        default -> close("sent " + type + ", which a client may not send");
      }
    } catch (AmqpException e) {
      close(e.getMessage());
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    requestSyncIfNeeded();
    releaseAcks();
    ctx.flush();
  }

  private void onMalformed(Throwable cause) {
    if (!connected && cause instanceof MqttUnacceptableProtocolVersionException) {
      refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "unacceptable protocol version");
    } else if (!connected && cause instanceof MqttIdentifierRejectedException) {
      refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "client id rejected");
    } else {
      close("malformed packet: " + cause.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------
  // CONNECT

  private void onConnect(MqttConnectMessage m) {
    if (connected) {
      close("sent a second CONNECT"); // MQTT 3.1.1 §3.1.0-2: a protocol violation
      return;
    }
    int version = m.variableHeader().version();
    if (version != 3 && version != 4) {
      // MQTT 5 is not served yet: refused as RabbitMQ 3.10 refuses it
      refuse(version == 5 ? MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION
          : MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, "MQTT protocol level " + version);
      return;
    }
    cleanSession = m.variableHeader().isCleanSession();
    String requestedId = m.payload().clientIdentifier();
    if (requestedId == null || requestedId.isEmpty()) {
      if (!cleanSession) {
        refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, "empty client id with a persistent session");
        return;
      }
      requestedId = "warren-" + UUID.randomUUID();
    }
    clientId = requestedId;
    User user = login(m);
    if (user == null) {
      return; // refused
    }
    VirtualHost vhost = context.broker().vhosts().get(vhostName);
    if (vhost == null || context.broker().permissions().find(user.name(), vhostName) == null) {
      refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
          "access to vhost '" + vhostName + "' refused for user '" + user.name() + "'");
      return;
    }
    AccessControl access = new AccessControl(user.name(), vhostName, context.broker().permissions());
    publisher = new MessagePublisher(vhost, access);
    if (m.variableHeader().isWillFlag()) {
      will = new Will(m.payload().willTopic(), m.variableHeader().willQos(), m.variableHeader().isWillRetain(),
          m.payload().willMessageInBytes());
    }
    MqttConnection previous = context.register(vhostName, clientId, this);
    if (previous != null && previous != this) {
      previous.takenOver();
    }
    session = new MqttSession(context, vhost, access, clientId, cleanSession, this, ctx.executor(),
        () -> ctx.channel().isWritable(), this::writePublish);
    boolean sessionPresent = session.begin();
    connected = true;
    int keepAlive = m.variableHeader().keepAliveTimeSeconds();
    if (keepAlive > 0) {
      // §3.1.2.10: a client silent for one and a half keepalive periods is gone
      ctx.pipeline().addFirst("mqtt-keepalive", new IdleStateHandler(keepAlive * 1500L, 0, 0, TimeUnit.MILLISECONDS));
    }
    MqttConnAckMessage ack = MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
        .sessionPresent(sessionPresent && version == 4).build();
    ctx.writeAndFlush(ack, ctx.voidPromise());
    LOG.info("MQTT client '{}' connected as '{}' to vhost '{}' from {} ({} session)", clientId, user.name(), vhostName,
        ctx.channel().remoteAddress(), cleanSession ? "clean" : "persistent");
  }

  /**
   * The user, or null after refusing: a user name may name its vhost ({@code vhost:user});
   * without credentials the client logs in as {@code mqtt.default_user} if anonymous logins are
   * allowed.
   */
  private User login(MqttConnectMessage m) {
    MqttSettings settings = context.settings();
    vhostName = settings.vhost();
    String username = m.variableHeader().hasUserName() ? m.payload().userName() : null;
    String password;
    if (username == null) {
      if (!settings.allowAnonymous()) {
        refuse(MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "anonymous login refused");
        return null;
      }
      username = settings.defaultUser();
      password = settings.defaultPass();
    } else {
      byte[] pw = m.variableHeader().hasPassword() ? m.payload().passwordInBytes() : null;
      if (pw == null) {
        refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, "user name without password");
        return null;
      }
      password = new String(pw, StandardCharsets.UTF_8);
      int colon = username.indexOf(':');
      if (colon > 0) {
        vhostName = username.substring(0, colon);
        username = username.substring(colon + 1);
      }
    }
    Broker broker = context.broker();
    String name = username;
    User user = broker.users().authenticate(name, password).filter(this::loopbackAllowed).orElse(null);
    if (user == null) {
      refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, "login refused for user '" + name + "'");
    }
    return user;
  }

  /** RabbitMQ's loopback_users apply to MQTT too: the default user only from this machine. */
  private boolean loopbackAllowed(User u) {
    var config = context.broker().config();
    if (!config.loopbackOnlyUsers() || !u.name().equals(config.defaultUser())) {
      return true;
    }
    return ctx.channel().remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() != null && remote.getAddress().isLoopbackAddress();
  }

  private void refuse(MqttConnectReturnCode code, String why) {
    LOG.warn("MQTT connection from {} refused ({}): {}", ctx.channel().remoteAddress(), code, why);
    ctx.writeAndFlush(MqttMessageBuilders.connAck().returnCode(code).sessionPresent(false).build())
        .addListener(f -> ctx.close());
  }

  /** Another connection took this client id: this one closes (its will, if any, is published). */
  private void takenOver() {
    ctx.executor().execute(() -> {
      LOG.info("MQTT client '{}' in vhost '{}' connected again: closing its previous connection", clientId, vhostName);
      ctx.close();
    });
  }

  // ------------------------------------------------------------------------------------------
  // PUBLISH

  private void onPublish(MqttPublishMessage m) {
    String topic = m.variableHeader().topicName();
    int qos = m.fixedHeader().qosLevel().value();
    if (qos > 2 || !TopicNames.isValidTopicName(topic)) {
      close("PUBLISH to invalid topic '" + topic + "' or QoS " + qos);
      return;
    }
    int packetId = m.variableHeader().packetId();
    byte[] payload = ByteBufUtil.getBytes(m.payload());
    if (qos == 2 && !awaitingRelease.add(packetId)) {
      acks.add(packetId, true, false); // a resent QoS 2 message we already have: PUBREC again only
      return;
    }
    boolean persisted = publish(topic, qos, m.fixedHeader().isDup(), m.fixedHeader().isRetain(), payload);
    if (qos > 0) {
      acks.add(packetId, qos == 2, persisted);
    }
    pauseWhileBlocked();
  }

  /**
   * Publishes to the MQTT exchange as RabbitMQ does: QoS 1 and 2 as persistent messages, the QoS
   * (2 counted as 1) and DUP flag in x-mqtt-publish-qos / x-mqtt-dup headers. Returns whether a
   * durable queue logged it. A retained message is also kept (an empty one clears the topic's).
   */
  private boolean publish(String topic, int qos, boolean dup, boolean retain, byte[] payload) {
    int amqpQos = Math.min(qos, 1);
    BasicProperties props = BasicProperties.EMPTY
        .withDeliveryMode(amqpQos > 0 ? 2 : 1)
        .withHeaders(Map.of(MqttSession.QOS_HEADER, (byte) amqpQos, DUP_HEADER, dup));
    int outcome = publisher.publish(context.settings().exchange(), TopicNames.toRoutingKey(topic), props, payload);
    if (retain) {
      context.retained().put(vhostName, topic, amqpQos, payload);
    }
    return (outcome & MessagePublisher.PERSISTED) != 0;
  }

  private void onPubRel(int packetId) {
    awaitingRelease.remove(packetId);
    ctx.write(new MqttMessage(fixed(MqttMessageType.PUBCOMP), MqttMessageIdVariableHeader.from(packetId)),
        ctx.voidPromise());
  }

  private void requestSyncIfNeeded() {
    long upTo = acks.syncNeeded();
    if (upTo == 0) {
      return;
    }
    context.broker().store().sync(failure -> ctx.executor().execute(() -> {
      if (failure != null) {
        close("the message store failed: " + failure.getMessage());
        return;
      }
      acks.synced(upTo);
      releaseAcks();
      ctx.flush();
    }));
  }

  private void releaseAcks() {
    acks.release(
        id -> ctx.write(new MqttMessage(fixed(MqttMessageType.PUBACK), MqttMessageIdVariableHeader.from(id)),
            ctx.voidPromise()),
        id -> ctx.write(new MqttMessage(fixed(MqttMessageType.PUBREC), MqttMessageIdVariableHeader.from(id)),
            ctx.voidPromise()));
  }

  /**
   * Memory and disk alarms block MQTT publishers as they block AMQP ones: the socket is not read
   * (TCP pushes back on the client) until the alarm clears.
   */
  private void pauseWhileBlocked() {
    if (pausedByAlarm || !context.broker().publishingBlocked()) {
      return;
    }
    pausedByAlarm = true;
    ctx.channel().config().setAutoRead(false);
    ctx.executor().schedule(this::resumeIfUnblocked, 100, TimeUnit.MILLISECONDS);
  }

  private void resumeIfUnblocked() {
    if (!ctx.channel().isActive()) {
      return;
    }
    if (context.broker().publishingBlocked()) {
      ctx.executor().schedule(this::resumeIfUnblocked, 100, TimeUnit.MILLISECONDS);
      return;
    }
    pausedByAlarm = false;
    ctx.channel().config().setAutoRead(true);
    ctx.read();
  }

  // ------------------------------------------------------------------------------------------
  // SUBSCRIBE / UNSUBSCRIBE

  private void onSubscribe(MqttSubscribeMessage m) {
    List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
    List<Integer> granted = new ArrayList<>(topics.size());
    for (MqttTopicSubscription t : topics) {
      granted.add(session.subscribe(t.topicFilter(), t.qualityOfService().value()));
    }
    ctx.write(MqttMessageBuilders.subAck().packetId(m.variableHeader().messageId())
        .addGrantedQoses(granted.stream().map(MqttQoS::valueOf).toArray(MqttQoS[]::new)).build(), ctx.voidPromise());
    for (int i = 0; i < topics.size(); i++) {
      if (granted.get(i) != MqttSession.SUBSCRIPTION_FAILED) {
        session.sendRetained(topics.get(i).topicFilter(), granted.get(i));
      }
    }
  }

  private void onUnsubscribe(MqttUnsubscribeMessage m) {
    for (String filter : m.payload().topics()) {
      session.unsubscribe(filter);
    }
    ctx.write(MqttMessageBuilders.unsubAck().packetId(m.variableHeader().messageId()).build(), ctx.voidPromise());
  }

  // ------------------------------------------------------------------------------------------
  // deliveries, flow, the end

  private void writePublish(String topic, int qos, boolean retain, boolean dup, int packetId, byte[] payload) {
    MqttPublishMessage msg = new MqttPublishMessage(
        new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(qos), retain, 0),
        new MqttPublishVariableHeader(topic, packetId), Unpooled.wrappedBuffer(payload));
    ctx.write(msg, ctx.voidPromise());
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.executor().execute(() -> {
        flushScheduled = false;
        ctx.flush();
      });
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && session != null) {
      session.resume();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      close("missed keepalive");
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    close(cause.toString());
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connected) {
      connected = false;
      if (will != null && !context.isStopping()) {
        publishWill();
      }
      boolean stillOwner = context.unregister(vhostName, clientId, this);
      session.close(stillOwner);
      LOG.info("MQTT client '{}' in vhost '{}' disconnected", clientId, vhostName);
    }
    ctx.fireChannelInactive();
  }

  private void publishWill() {
    try {
      if (TopicNames.isValidTopicName(will.topic())) {
        publish(will.topic(), will.qos(), false, will.retain(), will.payload());
      }
    } catch (RuntimeException e) {
      LOG.warn("MQTT client '{}': its will message to '{}' was not published: {}", clientId, will.topic(),
          e.getMessage());
    }
  }

  private void close(String why) {
    if (ctx.channel().isActive()) {
      LOG.warn("closing MQTT connection {} (client '{}'): {}", ctx.channel().remoteAddress(), clientId, why);
      ctx.close();
    }
  }

  private static int packetId(MqttMessage m) {
    return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
  }

  private static MqttFixedHeader fixed(MqttMessageType type) {
    return new MqttFixedHeader(type, false, type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE
        : MqttQoS.AT_MOST_ONCE, false, 0);
  }
}
