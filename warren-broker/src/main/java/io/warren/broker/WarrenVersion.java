package io.warren.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Warren's own version, the Maven project version written into a resource at build time: the
 * one {@code warren --version}, the {@code warren} server property and the management API's
 * {@code product_version} report.
 */
public final class WarrenVersion {

  private static final String VERSION = load();

  private WarrenVersion() {
  }

  /** For example {@code 0.1.0} or {@code 0.2.0-SNAPSHOT}. */
  public static String current() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = WarrenVersion.class.getResourceAsStream("warren-version.properties")) {
      if (in == null) {
        throw new IllegalStateException("warren-version.properties is missing from warren-broker's jar");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
