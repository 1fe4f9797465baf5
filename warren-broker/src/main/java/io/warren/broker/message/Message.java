package io.warren.broker.message;

import io.warren.codec.BasicProperties;
import io.warren.codec.ContentHeader;

/**
 * A published message as the broker keeps it: where it was published, its content header
 * (properties kept as the raw bytes the publisher sent, decoded only when something needs them)
 * and its body. Immutable, so one instance is shared by every queue it is routed to.
 */
public final class Message {

  private final String exchange;
  private final String routingKey;
  private final ContentHeader header;
  private final byte[] body;
  /** The keys of a BCC header the broker removed; null (the usual case) when there was none. */
  private final java.util.List<String> bccKeys;

  public Message(String exchange, String routingKey, ContentHeader header, byte[] body) {
    this(exchange, routingKey, header, body, null);
  }

  private Message(String exchange, String routingKey, ContentHeader header, byte[] body,
      java.util.List<String> bccKeys) {
    this.exchange = exchange;
    this.routingKey = routingKey;
    this.header = header;
    this.body = body;
    this.bccKeys = bccKeys;
  }

  public String exchange() {
    return exchange;
  }

  public String routingKey() {
    return routingKey;
  }

  public ContentHeader header() {
    return header;
  }

  /** The decoded properties (decoded once, on first use). */
  public BasicProperties properties() {
    return header.properties();
  }

  public byte[] rawProperties() {
    return header.rawProperties();
  }

  public byte[] body() {
    return body;
  }

  public int bodySize() {
    return body.length;
  }

  /** delivery_mode 2: the publisher asked for the message to survive a restart. */
  public boolean persistent() {
    return header.deliveryMode() == 2;
  }

  /** The same message with other properties, e.g. with BCC removed or reply_to rewritten. */
  public Message withProperties(BasicProperties properties) {
    return new Message(exchange, routingKey,
        ContentHeader.of(header.classId(), body.length, properties.encode()), body, bccKeys);
  }

  /**
   * The routing keys of the BCC header the broker stripped: consumers never see them, but a
   * dead-lettered message is routed by them again, as in RabbitMQ (not kept across a restart).
   */
  public java.util.List<String> bccKeys() {
    return bccKeys == null ? java.util.List.of() : bccKeys;
  }

  public Message withBccKeys(java.util.List<String> keys) {
    return new Message(exchange, routingKey, header, body, keys.isEmpty() ? null : keys);
  }
}
