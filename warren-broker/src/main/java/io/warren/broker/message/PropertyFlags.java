package io.warren.broker.message;

/**
 * Peeks at the property-flags word at the start of a content header's raw properties, so the
 * hot path can tell whether a message has headers or a reply_to without decoding anything.
 * Bit 15 is the first property (content-type), bit 2 the last (cluster-id).
 */
public final class PropertyFlags {

  static final int HEADERS = 1 << 13;
  static final int REPLY_TO = 1 << 9;
  static final int EXPIRATION = 1 << 8;
  static final int USER_ID = 1 << 4;

  private PropertyFlags() {
  }

  public static boolean hasHeaders(Message m) {
    return has(m.rawProperties(), HEADERS);
  }

  public static boolean hasReplyTo(Message m) {
    return has(m.rawProperties(), REPLY_TO);
  }

  /** Whether the message has an expiration (a per-message TTL). */
  public static boolean hasExpiration(Message m) {
    return has(m.rawProperties(), EXPIRATION);
  }

  /** Whether the publish carries an expiration or a user_id, the two properties checked on publish. */
  public static boolean hasExpirationOrUserId(Message m) {
    return has(m.rawProperties(), EXPIRATION | USER_ID);
  }

  private static boolean has(byte[] raw, int flag) {
    if (raw.length < 2) {
      return false;
    }
    int flags = ((raw[0] & 0xFF) << 8) | (raw[1] & 0xFF);
    return (flags & flag) != 0;
  }
}
