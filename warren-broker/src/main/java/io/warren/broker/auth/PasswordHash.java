package io.warren.broker.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * A salted password hash in RabbitMQ's format: a 4-byte salt followed by digest(salt ‖ UTF-8
 * password), base64 in definitions files, with the digest named by RabbitMQ's
 * {@code hashing_algorithm}. New passwords are hashed with SHA-256, RabbitMQ's default; hashes
 * of the other two algorithms come from definitions files and keep their algorithm.
 */
public record PasswordHash(Algorithm algorithm, byte[] saltAndHash) {

  /** RabbitMQ's password hashing modules, by the name definitions files give them. */
  public enum Algorithm {
    MD5("rabbit_password_hashing_md5", "MD5"),
    SHA256("rabbit_password_hashing_sha256", "SHA-256"),
    SHA512("rabbit_password_hashing_sha512", "SHA-512");

    private final String rabbitName;
    private final String jdkName;

    Algorithm(String rabbitName, String jdkName) {
      this.rabbitName = rabbitName;
      this.jdkName = jdkName;
    }

    /** The name in a definitions file's {@code hashing_algorithm}. */
    public String rabbitName() {
      return rabbitName;
    }

    public static Optional<Algorithm> fromRabbitName(String name) {
      for (Algorithm a : values()) {
        if (a.rabbitName.equals(name)) {
          return Optional.of(a);
        }
      }
      return Optional.empty();
    }

    byte[] digest(byte[] salt, String password) {
      try {
        MessageDigest digest = MessageDigest.getInstance(jdkName);
        digest.update(salt);
        digest.update(password.getBytes(StandardCharsets.UTF_8));
        return digest.digest();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JDK has " + jdkName, e);
      }
    }
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SALT_LENGTH = 4;

  /** A new SHA-256 hash of the password with a random salt. */
  public static PasswordHash of(String password) {
    return of(Algorithm.SHA256, password);
  }

  public static PasswordHash of(Algorithm algorithm, String password) {
    byte[] salt = new byte[SALT_LENGTH];
    RANDOM.nextBytes(salt);
    return new PasswordHash(algorithm, concat(salt, algorithm.digest(salt, password)));
  }

  /** No password at all: such a user cannot log in with one (RabbitMQ's passwordless users). */
  public static PasswordHash none() {
    return new PasswordHash(Algorithm.SHA256, new byte[0]);
  }

  /** A SHA-256 hash, base64-encoded; IllegalArgumentException if it is not base64. */
  public static PasswordHash fromBase64(String encoded) {
    return fromBase64(Algorithm.SHA256, encoded);
  }

  public static PasswordHash fromBase64(Algorithm algorithm, String encoded) {
    return new PasswordHash(algorithm, Base64.getDecoder().decode(encoded));
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
    return MessageDigest.isEqual(expected, algorithm.digest(salt, password));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
