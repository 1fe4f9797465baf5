package io.warren.broker.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * A salted SHA-256 password hash in RabbitMQ's format (base64 of a 4-byte salt followed by
 * SHA-256(salt ‖ password)), so definitions exported from RabbitMQ import unchanged.
 */
public record PasswordHash(byte[] saltAndHash) {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SALT_LENGTH = 4;

  public static PasswordHash of(String password) {
    byte[] salt = new byte[SALT_LENGTH];
    RANDOM.nextBytes(salt);
    return new PasswordHash(concat(salt, sha256(salt, password)));
  }

  public static PasswordHash fromBase64(String encoded) {
    return new PasswordHash(Base64.getDecoder().decode(encoded));
  }

  public String toBase64() {
    return Base64.getEncoder().encodeToString(saltAndHash);
  }

  public boolean matches(String password) {
    if (saltAndHash.length <= SALT_LENGTH) {
      return false;
    }
    byte[] salt = Arrays.copyOf(saltAndHash, SALT_LENGTH);
    byte[] expected = Arrays.copyOfRange(saltAndHash, SALT_LENGTH, saltAndHash.length);
    return MessageDigest.isEqual(expected, sha256(salt, password));
  }

  private static byte[] sha256(byte[] salt, String password) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(salt);
      digest.update(password.getBytes(StandardCharsets.UTF_8));
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
