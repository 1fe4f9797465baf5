package io.warren.broker.channel;

import io.netty.buffer.ByteBuf;
import io.warren.broker.message.Message;
import io.warren.codec.DeliverTemplate;
import io.warren.codec.Wire;
import java.util.Arrays;

/**
 * Writes a channel's basic.deliver frames through a {@link DeliverTemplate} that is kept while
 * the next deliveries have the same consumer tag, exchange, routing key and properties, which a
 * run of messages from one publisher does (the frame decoder even hands out the same strings
 * and property bytes for repeated publishes): such a delivery encodes no string and builds no
 * {@code BasicDeliver}. Event loop only, like its channel.
 */
final class DeliverWriter {

  private final int channel;
  private String consumerTag;
  private String exchange;
  private String routingKey;
  private byte[] properties;
  private DeliverTemplate template;

  DeliverWriter(int channel) {
    this.channel = channel;
  }

  void write(ByteBuf out, String consumerTag, long deliveryTag, boolean redelivered, Message message, int frameMax) {
    byte[] props = message.rawProperties();
    if (template == null || !consumerTag.equals(this.consumerTag) || !message.exchange().equals(exchange)
        || !message.routingKey().equals(routingKey) || (props != properties && !Arrays.equals(props, properties))) {
      this.consumerTag = consumerTag;
      exchange = message.exchange();
      routingKey = message.routingKey();
      properties = props;
      template = new DeliverTemplate(channel, Wire.shortstr(consumerTag), Wire.shortstr(exchange),
          Wire.shortstr(routingKey), props);
    }
    template.write(out, deliveryTag, redelivered, message.body(), frameMax);
  }
}
