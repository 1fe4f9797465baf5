package io.warren.broker.channel;

import io.warren.broker.AmqpException;
import io.warren.broker.message.Message;
import io.warren.broker.message.PropertyFlags;
import io.warren.broker.queue.ConsumerOwner;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;

/**
 * RabbitMQ's direct reply-to for one channel: an RPC client consumes the pseudo-queue
 * amq.rabbitmq.reply-to (no-ack), publishes requests with reply_to set to that name, and the
 * broker rewrites it into a unique address; replies published to that address through the
 * default exchange go straight to the client's channel, with no queue in between.
 */
final class DirectReplyTo {

  static final String PSEUDO_QUEUE = "amq.rabbitmq.reply-to";
  static final String ADDRESS_PREFIX = PSEUDO_QUEUE + ".";

  private final AmqpChannel channel;
  private String consumerTag;
  private String key;

  DirectReplyTo(AmqpChannel channel) {
    this.channel = channel;
  }

  static boolean isReplyAddress(String routingKey) {
    return routingKey.startsWith(ADDRESS_PREFIX);
  }

  boolean isReplyQueueName(String name) {
    return name.equals(PSEUDO_QUEUE) || isReplyAddress(name);
  }

  /** queue.declare passive on a reply address: fine while its consumer exists, else 404. */
  void checkReplyQueueExists(String name) {
    if (name.equals(PSEUDO_QUEUE)) {
      return;
    }
    if (channel.vhost().replyConsumer(name.substring(ADDRESS_PREFIX.length())) == null) {
      throw AmqpException.notFound("no queue '%s' in vhost '%s'", name, channel.vhost().name());
    }
  }

  void startConsuming(String tag, boolean noAck) {
    if (!noAck) {
      throw AmqpException.preconditionFailed("reply consumer cannot acknowledge");
    }
    if (consumerTag != null) {
      throw AmqpException.preconditionFailed("reply consumer already set");
    }
    consumerTag = tag;
    key = Names.randomToken();
    channel.vhost().registerReplyConsumer(key, channel);
  }

  boolean isConsuming() {
    return consumerTag != null;
  }

  String consumerTag() {
    return consumerTag;
  }

  boolean hasConsumerTag(String tag) {
    return tag.equals(consumerTag);
  }

  void cancel(String tag) {
    if (hasConsumerTag(tag)) {
      release();
    }
  }

  void release() {
    if (key != null) {
      channel.vhost().unregisterReplyConsumer(key);
    }
    key = null;
    consumerTag = null;
  }

  /** A request whose reply_to is the pseudo-queue gets this channel's reply address instead. */
  Message rewriteReplyTo(Message m) {
    if (!PropertyFlags.hasReplyTo(m) || !PSEUDO_QUEUE.equals(m.properties().replyTo())) {
      return m;
    }
    if (consumerTag == null) {
      throw AmqpException.preconditionFailed("fast reply consumer does not exist");
    }
    return m.withProperties(m.properties().withReplyTo(ADDRESS_PREFIX + key));
  }

  /** Sends a reply published to a reply address; false if no channel owns the address. */
  static boolean deliverReply(VirtualHost vhost, Message reply) {
    ConsumerOwner target = vhost.replyConsumer(reply.routingKey().substring(ADDRESS_PREFIX.length()));
    if (target == null) {
      return false;
    }
    target.deliver(null, QueueEntry.detached(reply));
    return true;
  }
}
