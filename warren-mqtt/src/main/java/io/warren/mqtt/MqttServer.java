package io.warren.mqtt;

import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.warren.broker.Broker;
import io.warren.broker.gateway.ProtocolListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT listener of a running broker, as RabbitMQ's rabbitmq_mqtt plugin serves it:
 *
 * <pre>{@code
 * try (MqttServer mqtt = MqttServer.start(broker, "127.0.0.1", 0, MqttSettings.defaults())) {
 *   // mosquitto_pub -p mqtt.port() -t sensors/1 -m 21.5
 * }
 * }</pre>
 */
public final class MqttServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MqttServer.class);

  private final ProtocolListener listener;
  private final MqttContext context;

  private MqttServer(ProtocolListener listener, MqttContext context) {
    this.listener = listener;
    this.context = context;
  }

  /** Starts listening on {@code port} (0 picks a free one, see {@link #port()}). */
  public static MqttServer start(Broker broker, String bindAddress, int port, MqttSettings settings) {
    MqttContext context = new MqttContext(broker, settings);
    ProtocolListener listener = ProtocolListener.bind("MQTT", bindAddress, port, ch -> {
      ch.pipeline().addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketSize()));
      ch.pipeline().addLast("mqtt-encoder", MqttEncoder.INSTANCE);
      ch.pipeline().addLast("mqtt", new MqttConnection(context));
    });
    MqttServer server = new MqttServer(listener, context);
    LOG.info("MQTT listener on {}:{} (vhost '{}', exchange '{}')", bindAddress, server.port(),
        settings.vhost(), settings.exchange());
    return server;
  }

  /** The port the MQTT listener is bound to. */
  public int port() {
    return listener.port();
  }

  /** Connected MQTT clients. */
  public int clientCount() {
    return context.clientCount();
  }

  /** Stops listening and closes every MQTT connection (their will messages are not published). */
  @Override
  public void close() {
    context.stopping();
    listener.close();
  }
}
