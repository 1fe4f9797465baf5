package io.warren.broker.auth;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one user may do in one vhost: three regular expressions, for configure (declare and
 * delete), write (publish to, bind to) and read (consume from, bind from), matched against
 * resource names. As in RabbitMQ the match is a search, not anchored (".*" permits everything,
 * "^amq\.gen" only names starting so), and an empty expression permits nothing.
 */
public final class Permissions {

  /** The three kinds of access RabbitMQ distinguishes. */
  public enum Permission { CONFIGURE, WRITE, READ }

  /** ".*" three times: what the default user has on the default vhost. */
  public static final Permissions FULL = of(".*", ".*", ".*");

  private final String configure;
  private final String write;
  private final String read;
  private final Pattern[] patterns;

  private Permissions(String configure, String write, String read) {
    this.configure = configure;
    this.write = write;
    this.read = read;
    this.patterns = new Pattern[] {compile(configure), compile(write), compile(read)};
  }

  /** Permissions from the three expressions; IllegalArgumentException naming the bad one. */
  public static Permissions of(String configure, String write, String read) {
    return new Permissions(configure, write, read);
  }

  private static Pattern compile(String regex) {
    try {
      // RabbitMQ turns "" into "^$", which matches no resource name (names are never empty here).
      return Pattern.compile(regex.isEmpty() ? "^$" : regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regular expression '" + regex + "': " + e.getDescription(), e);
    }
  }

  public String configure() {
    return configure;
  }

  public String write() {
    return write;
  }

  public String read() {
    return read;
  }

  /** Whether {@code permission} on a resource called {@code name} is granted. */
  public boolean permits(Permission permission, String name) {
    return patterns[permission.ordinal()].matcher(name).find();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Permissions p && p.configure.equals(configure) && p.write.equals(write) && p.read.equals(read);
  }

  @Override
  public int hashCode() {
    return configure.hashCode() * 961 + write.hashCode() * 31 + read.hashCode();
  }

  @Override
  public String toString() {
    return "configure '" + configure + "' write '" + write + "' read '" + read + "'";
  }
}
