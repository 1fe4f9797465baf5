package io.warren.stomp;

import io.netty.handler.codec.stomp.StompSubframeAggregator;
import io.netty.handler.codec.stomp.StompSubframeDecoder;
import io.netty.handler.codec.stomp.StompSubframeEncoder;
import io.warren.broker.Broker;
import io.warren.broker.gateway.ProtocolListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The STOMP listener of a running broker, as RabbitMQ's rabbitmq_stomp plugin serves it:
 *
 * <pre>{@code
 * try (StompServer stomp = StompServer.start(broker, "127.0.0.1", 0, StompSettings.defaults())) {
 *   // stomp.py: stomp.Connection([("127.0.0.1", stomp.port())], vhost="/")
 * }
 * }</pre>
 */
public final class StompServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(StompServer.class);

  private final ProtocolListener listener;

  private StompServer(ProtocolListener listener) {
    this.listener = listener;
  }

  /** Starts listening on {@code port} (0 picks a free one, see {@link #port()}). */
  public static StompServer start(Broker broker, String bindAddress, int port, StompSettings settings) {
    ProtocolListener listener = ProtocolListener.bind("STOMP", bindAddress, port, ch -> {
      ch.pipeline().addLast("stomp-decoder", new StompSubframeDecoder(64 * 1024, 64 * 1024));
      ch.pipeline().addLast("stomp-aggregator", new StompSubframeAggregator(settings.maxFrameSize()));
      ch.pipeline().addLast("stomp-encoder", new StompSubframeEncoder());
      ch.pipeline().addLast("stomp", new StompConnection(broker, settings));
    });
    StompServer server = new StompServer(listener);
    LOG.info("STOMP listener on {}:{}", bindAddress, server.port());
    return server;
  }

  /** The port the STOMP listener is bound to. */
  public int port() {
    return listener.port();
  }

  @Override
  public void close() {
    listener.close();
  }
}
