package io.warren.broker.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

/**
 * Which TLS implementation a listener uses: BoringSSL through netty-tcnative (bundled for
 * Linux x86-64) or the JDK's own. The default is OpenSSL where its native library loads, the
 * JDK elsewhere; README's Performance section has the figures behind that choice.
 */
public enum TlsProvider {
  /** BoringSSL through netty-tcnative when it loads here, else the JDK's TLS. */
  DEFAULT,
  /** BoringSSL through netty-tcnative; starting fails where it cannot load. */
  OPENSSL,
  /** The JDK's own TLS (SSLEngine). */
  JDK;

  /** Warren's {@code ssl_provider} value: "openssl", "jdk" or "default". */
  public static TlsProvider byName(String name) {
    return switch (name) {
      case "default", "auto" -> DEFAULT;
      case "openssl", "boringssl" -> OPENSSL;
      case "jdk" -> JDK;
      default -> throw new IllegalArgumentException("'" + name + "' is not a TLS provider (openssl, jdk)");
    };
  }

  /** The Netty provider this choice comes to on this machine. */
  SslProvider netty() {
    return switch (this) {
      case DEFAULT -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
      case OPENSSL -> {
        if (!OpenSsl.isAvailable()) {
          throw new IllegalStateException("ssl_provider = openssl, but netty-tcnative cannot load here: "
              + OpenSsl.unavailabilityCause());
        }
        yield SslProvider.OPENSSL;
      }
      case JDK -> SslProvider.JDK;
    };
  }
}
