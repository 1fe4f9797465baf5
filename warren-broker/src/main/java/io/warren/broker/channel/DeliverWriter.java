package io.warren.broker.channel;

import io.netty.buffer.ByteBuf;
import io.warren.broker.message.Message;
import io.warren.codec.Frames;
import io.warren.codec.Wire;

/**
 * Writes a channel's basic.deliver frames. The consumer tag, exchange and routing key are
 * encoded once and kept while the next deliveries carry the same ones, which a run of messages
 * from one publisher does (the frame decoder even hands out the same strings for repeated
 * publishes): a delivery then encodes no string and builds no {@code BasicDeliver}.
 * Event loop only, like its channel.
 */
final class DeliverWriter {

  private String consumerTag;
  private byte[] consumerTagBytes;
  private String exchange;
  private byte[] exchangeBytes;
  private String routingKey;
  private byte[] routingKeyBytes;

  void write(ByteBuf out, int channel, String consumerTag, long deliveryTag, boolean redelivered,
      Message message, int frameMax) {
    if (!consumerTag.equals(this.consumerTag)) {
      consumerTagBytes = Wire.shortstr(consumerTag);
      this.consumerTag = consumerTag;
    }
    if (!message.exchange().equals(exchange)) {
      exchangeBytes = Wire.shortstr(message.exchange());
      exchange = message.exchange();
    }
    if (!message.routingKey().equals(routingKey)) {
      routingKeyBytes = Wire.shortstr(message.routingKey());
      routingKey = message.routingKey();
    }
    Frames.writeDeliver(out, channel, consumerTagBytes, deliveryTag, redelivered, exchangeBytes, routingKeyBytes,
        message.rawProperties(), message.body(), frameMax);
  }
}
