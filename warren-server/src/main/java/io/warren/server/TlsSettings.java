package io.warren.server;

import io.warren.broker.tls.TlsOptions;
import io.warren.broker.tls.TlsProvider;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads one TLS listener's settings from rabbitmq.conf keys under a prefix: {@code ssl_options}
 * for AMQPS, {@code management.ssl} and {@code prometheus.ssl} for HTTPS. The keys are
 * RabbitMQ's; a key under the prefix that Warren does not implement is refused by name.
 */
final class TlsSettings {

  /** The keys under a prefix that Warren implements (RabbitMQ has more, e.g. ciphers.N, depth). */
  private static final List<String> KEYS = List.of("cacertfile", "certfile", "keyfile", "password", "verify",
      "fail_if_no_peer_cert");

  private TlsSettings() {
  }

  /** True when {@code key} belongs to the listener under {@code prefix} (and so is read here). */
  static boolean owns(String prefix, String key) {
    return key.startsWith(prefix + ".");
  }

  /**
   * The options under {@code prefix}, or null when none is set.
   *
   * @param ignored keys under the prefix that are not TLS options (management.ssl.port)
   */
  static TlsOptions read(Map<String, String> values, String prefix, TlsProvider provider, String... ignored)
      throws IOException {
    Map<String, String> own = new TreeMap<>();
    TreeMap<Integer, String> versions = new TreeMap<>();
    for (Map.Entry<String, String> e : values.entrySet()) {
      if (!owns(prefix, e.getKey()) || List.of(ignored).contains(e.getKey())) {
        continue;
      }
      String name = e.getKey().substring(prefix.length() + 1);
      if (name.startsWith("versions.")) {
        versions.put(index(e.getKey(), name.substring("versions.".length())), version(e.getKey(), e.getValue()));
      } else if (KEYS.contains(name)) {
        own.put(name, e.getValue());
      } else {
        throw new IOException("'" + e.getKey() + "' is not supported by Warren (supported under " + prefix + ": "
            + String.join(", ", KEYS) + ", versions.N)");
      }
    }
    if (own.isEmpty() && versions.isEmpty()) {
      return null;
    }
    boolean verifyPeer = verifyPeer(prefix, own.getOrDefault("verify", "verify_none"));
    boolean failIfNoPeerCert = bool(prefix + ".fail_if_no_peer_cert", own.getOrDefault("fail_if_no_peer_cert", "false"));
    if (!own.containsKey("certfile") || !own.containsKey("keyfile")) {
      throw new IOException(prefix + ".certfile and " + prefix + ".keyfile are both needed for TLS");
    }
    TlsOptions options = TlsOptions.of(Path.of(own.get("certfile")), Path.of(own.get("keyfile")))
        .withKeyPassword(own.get("password"))
        .withProvider(provider)
        .withPeerVerification(verifyPeer, failIfNoPeerCert);
    if (own.containsKey("cacertfile")) {
      options = options.withCaCertFile(Path.of(own.get("cacertfile")));
    }
    if (!versions.isEmpty()) {
      options = options.withVersions(new ArrayList<>(versions.values()));
    }
    return options;
  }

  /** The N of a "key.N" list entry, so entries apply in their numbered order. */
  static int index(String key, String suffix) throws IOException {
    try {
      return Integer.parseInt(suffix);
    } catch (NumberFormatException e) {
      throw new IOException("'" + key + "' must end in a number");
    }
  }

  private static String version(String key, String value) throws IOException {
    String version = TlsOptions.javaVersionName(value);
    if (version == null) {
      throw new IOException("'" + key + " = " + value + "': Warren supports tlsv1.2 and tlsv1.3");
    }
    return version;
  }

  private static boolean verifyPeer(String prefix, String value) throws IOException {
    return switch (value) {
      case "verify_peer" -> true;
      case "verify_none" -> false;
      default -> throw new IOException("'" + prefix + ".verify' must be verify_peer or verify_none, not '"
          + value + "'");
    };
  }

  private static boolean bool(String key, String value) throws IOException {
    return switch (value) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IOException("'" + key + "' must be true or false, not '" + value + "'");
    };
  }
}
