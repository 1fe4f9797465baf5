package io.warren.broker.channel;

import java.security.SecureRandom;
import java.util.Base64;

/** Server-generated names, in RabbitMQ's formats. */
final class Names {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder URL_SAFE = Base64.getUrlEncoder().withoutPadding();

  private Names() {
  }

  /** "amq.gen-" and 22 URL-safe base64 characters, as RabbitMQ names server-named queues. */
  static String serverNamedQueue() {
    return "amq.gen-" + randomToken();
  }

  /** "amq.ctag-" and 22 URL-safe base64 characters, as RabbitMQ tags consumers. */
  static String consumerTag() {
    return "amq.ctag-" + randomToken();
  }

  /**
   * An exchange or queue name as RabbitMQ uses it in declare, delete, bind and unbind: with
   * every CR and LF removed, so "q\n" and "q" name the same queue.
   */
  static String stripCrLf(String name) {
    if (name.indexOf('\n') < 0 && name.indexOf('\r') < 0) {
      return name;
    }
    return name.replace("\n", "").replace("\r", "");
  }

  /** 128 random bits, URL-safe base64. */
  static String randomToken() {
    byte[] bytes = new byte[16];
    RANDOM.nextBytes(bytes);
    return URL_SAFE.encodeToString(bytes);
  }
}
