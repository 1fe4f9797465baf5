package io.warren.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The secret every member of a cluster shares, like RabbitMQ's Erlang cookie: a file readable by
 * its owner only, created with 20 random characters on first start.
 *
 * <p>How it keeps strangers out. Ratis' transport has no handshake of its own to hang a
 * challenge on, so the secret is used twice, each time through HMAC-SHA256 (the secret itself
 * never travels):
 * <ul>
 *   <li>the Raft group id is derived from it. A node with another secret runs a group of another
 *       id: the members answer its votes and appends with a group mismatch, so it can neither join
 *       nor disturb the cluster, and it sees the members as not running;</li>
 *   <li>every metadata change carries an HMAC of its bytes. The group id does travel in clear, so
 *       a stranger who learned it could still send a client request; the state machine refuses
 *       any change whose HMAC does not check out, on every node alike.</li>
 * </ul>
 * Traffic is not encrypted (nor is Erlang distribution without TLS): run the inter-node port on
 * a trusted network.
 */
public final class ClusterSecret {

  private static final int MAC_LENGTH = 32;

  private final byte[] secret;

  private ClusterSecret(byte[] secret) {
    this.secret = secret;
  }

  /** Reads the secret file, creating it (owner-only) if it does not exist. */
  public static ClusterSecret loadOrCreate(Path file) {
    try {
      if (!Files.exists(file)) {
        create(file);
      }
      String text = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (text.isEmpty()) {
        throw new IllegalStateException("the cluster secret file " + file + " is empty");
      }
      return new ClusterSecret(text.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the cluster secret file " + file, e);
    }
  }

  private static void create(Path file) throws IOException {
    SecureRandom random = new SecureRandom();
    StringBuilder cookie = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      cookie.append((char) ('A' + random.nextInt(26)));
    }
    try {
      Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("r--------")));
    } catch (FileAlreadyExistsException e) {
      return; // another node of this user created it a moment ago
    } catch (UnsupportedOperationException e) {
      Files.createFile(file);
    }
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    Files.writeString(file, cookie.toString(), StandardCharsets.UTF_8);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--------"));
  }

  /** The Raft group id of the cluster's metadata: the same for every holder of this secret. */
  public UUID metadataGroupId() {
    ByteBuffer b = ByteBuffer.wrap(mac("warren metadata group".getBytes(StandardCharsets.UTF_8)));
    return new UUID(b.getLong(), b.getLong());
  }

  /** {@code payload} preceded by its HMAC. */
  public byte[] seal(byte[] payload) {
    byte[] mac = mac(payload);
    byte[] out = new byte[MAC_LENGTH + payload.length];
    System.arraycopy(mac, 0, out, 0, MAC_LENGTH);
    System.arraycopy(payload, 0, out, MAC_LENGTH, payload.length);
    return out;
  }

  /** The payload of a sealed message, or null if its HMAC was not made with this secret. */
  public byte[] open(byte[] sealed) {
    if (sealed.length < MAC_LENGTH) {
      return null;
    }
    byte[] payload = new byte[sealed.length - MAC_LENGTH];
    System.arraycopy(sealed, MAC_LENGTH, payload, 0, payload.length);
    byte[] expected = mac(payload);
    byte[] got = new byte[MAC_LENGTH];
    System.arraycopy(sealed, 0, got, 0, MAC_LENGTH);
    return MessageDigest.isEqual(expected, got) ? payload : null;
  }

  private byte[] mac(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
