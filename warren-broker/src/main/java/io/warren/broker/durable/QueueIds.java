package io.warren.broker.durable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The folder name of a durable queue's log: a hash of vhost and queue name, since queue names
 * may hold any character and be 255 bytes long, and the same name may exist in two vhosts.
 */
final class QueueIds {

  private QueueIds() {
  }

  static String of(String vhost, String queue) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(vhost.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(queue.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
