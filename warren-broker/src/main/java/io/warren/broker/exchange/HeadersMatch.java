package io.warren.broker.exchange;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The headers exchange's rule: does a message's header table satisfy a binding's argument table?
 * Every rule below was checked against a RabbitMQ 3.10 node (see {@code HeadersMatchTest}).
 *
 * <ul>
 *   <li>{@code x-match} is {@code all} (the default, also used for any value that is not a long string),
 *       {@code any}, {@code all-with-x} or {@code any-with-x}. The {@code x-match} argument itself never
 *       takes part in matching. Other arguments whose key starts with {@code x-} are ignored, except in
 *       the {@code -with-x} modes where they must match like any other.</li>
 *   <li>{@code all}: every remaining argument must match; with none left, every message matches
 *       (including one without headers). {@code any}: at least one must match; with none left, nothing
 *       matches.</li>
 *   <li>An argument whose value is void ({@code null}) matches when the header is present, whatever its
 *       value (void included). A missing header never matches. {@code null} headers mean no headers.</li>
 *   <li>Values compare like Erlang's {@code ==} on the decoded values, which ignores the AMQP type
 *       at the top level: all integer types and timestamps (in seconds) are one kind and compare
 *       exactly with doubles and floats ({@code 1 == 1L == 1.0 == timestamp 1}, but 2^53+1 is not 2^53);
 *       a float is widened, so {@code 0.1f} is not {@code 0.1d}; long strings equal byte arrays with the
 *       same bytes; decimals compare scale and unscaled value ({@code 1.0} is not {@code 1.00} nor
 *       {@code 1}); booleans equal only booleans. Inside nested tables and arrays RabbitMQ compares the
 *       typed entries, so there the Java type must agree too ({@code {k: 1}} is not {@code {k: 1L}}),
 *       and table entries must be in the same order (RabbitMQ keeps wire order; an empty table equals
 *       an empty array).</li>
 * </ul>
 *
 * <p>Field values arrive as the codec's Java types. Strings may be {@code String}, any
 * {@code CharSequence}, or the codec's {@code LongString}, which is recognised by its simple class name
 * and read through {@code toString()} (decoded as UTF-8, so invalid UTF-8 bytes compare as U+FFFD) to
 * keep this class free of a compile-time dependency on the codec. Timestamps may be {@link Date} (the
 * codec's choice) or {@link Instant}; arrays a {@link List} (decoded) or an {@code Object[]}. Where the
 * codec maps two AMQP types onto one Java type ('B', 'u' and 'I' all decode as {@code Integer}, 'i' and
 * 'l' as {@code Long}), comparison inside nested tables cannot tell them apart where RabbitMQ would.
 */
public final class HeadersMatch {

  private static final String X_MATCH = "x-match";

  private HeadersMatch() {
  }

  /** Whether a message with {@code messageHeaders} (null for none) is routed by a binding with these arguments. */
  public static boolean matches(final Map<String, Object> bindingArguments, final Map<String, Object> messageHeaders) {
    if (bindingArguments == null || bindingArguments.isEmpty()) {
      return true;
    }
    final String mode = stringValue(bindingArguments.get(X_MATCH));
    final boolean any = "any".equals(mode) || "any-with-x".equals(mode);
    final boolean withX = "all-with-x".equals(mode) || "any-with-x".equals(mode);
    for (final Map.Entry<String, Object> argument : bindingArguments.entrySet()) {
      final String key = argument.getKey();
      if (key.equals(X_MATCH) || (!withX && key.startsWith("x-"))) {
        continue;
      }
      final boolean matched = messageHeaders != null
          && messageHeaders.containsKey(key)
          && (argument.getValue() == null || valuesEqual(argument.getValue(), messageHeaders.get(key)));
      if (matched == any) {
        // 'any' is decided by the first match, 'all' by the first miss
        return any;
      }
    }
    return !any;
  }

  /**
   * Checks {@code x-match} when a binding is created, as RabbitMQ does.
   *
   * @return null when valid, else RabbitMQ's reason for the 406 PRECONDITION_FAILED (without the
   *     "PRECONDITION_FAILED - " prefix); exact for string values and for integer and boolean types,
   *     best effort in how other types' values are printed
   */
  public static String invalidArgumentsReason(final Map<String, Object> bindingArguments) {
    if (bindingArguments == null || !bindingArguments.containsKey(X_MATCH)) {
      return null;
    }
    final Object value = bindingArguments.get(X_MATCH);
    final String mode = stringValue(value);
    if (mode != null) {
      return switch (mode) {
        case "all", "any", "all-with-x", "any-with-x" -> null;
        default -> "Invalid x-match field value " + erlangBinary(mode)
            + "; expected all, any, all-with-x, or any-with-x";
      };
    }
    return "Invalid x-match field type " + erlangTypeName(value) + " (value " + erlangValue(value)
        + "); expected longstr";
  }

  /** Top-level comparison: Erlang {@code ==} on untyped values. */
  static boolean valuesEqual(final Object a, final Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a instanceof BigDecimal || b instanceof BigDecimal) {
      return a.equals(b);
    }
    if (isString(a) && isString(b)) {
      return stringValue(a).equals(stringValue(b));
    }
    if (isBinary(a) && isBinary(b)) {
      return Arrays.equals(bytes(a), bytes(b));
    }
    final boolean aIntegral = isIntegral(a);
    final boolean bIntegral = isIntegral(b);
    final boolean aFloating = a instanceof Float || a instanceof Double;
    final boolean bFloating = b instanceof Float || b instanceof Double;
    if (aIntegral && bIntegral) {
      return integralValue(a) == integralValue(b);
    }
    if (aFloating && bFloating) {
      return ((Number) a).doubleValue() == ((Number) b).doubleValue();
    }
    if (aIntegral && bFloating) {
      return exactlyEqual(integralValue(a), ((Number) b).doubleValue());
    }
    if (aFloating && bIntegral) {
      return exactlyEqual(integralValue(b), ((Number) a).doubleValue());
    }
    if (isTable(a) || isArray(a)) {
      return typedEqual(a, b);
    }
    return a.equals(b);
  }

  /** Comparison inside tables and arrays, where RabbitMQ's values carry their type. */
  private static boolean typedEqual(final Object a, final Object b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (isTable(a) || isArray(a)) {
      final boolean aEmpty = isTable(a) ? ((Map<?, ?>) a).isEmpty() : asList(a).isEmpty();
      final boolean bEmpty = isTable(b) ? ((Map<?, ?>) b).isEmpty() : isArray(b) && asList(b).isEmpty();
      if (aEmpty || bEmpty) {
        // both are Erlang's empty list []
        return aEmpty && bEmpty;
      }
      if (isTable(a) && isTable(b)) {
        return tablesEqualInOrder((Map<?, ?>) a, (Map<?, ?>) b);
      }
      if (isArray(a) && isArray(b)) {
        final List<?> x = asList(a);
        final List<?> y = asList(b);
        if (x.size() != y.size()) {
          return false;
        }
        for (int i = 0; i < x.size(); i++) {
          if (!typedEqual(x.get(i), y.get(i))) {
            return false;
          }
        }
        return true;
      }
      return false;
    }
    return typeTag(a) == typeTag(b) && valuesEqual(a, b);
  }

  private static boolean tablesEqualInOrder(final Map<?, ?> a, final Map<?, ?> b) {
    if (a.size() != b.size()) {
      return false;
    }
    final Iterator<? extends Map.Entry<?, ?>> x = a.entrySet().iterator();
    final Iterator<? extends Map.Entry<?, ?>> y = b.entrySet().iterator();
    while (x.hasNext()) {
      final Map.Entry<?, ?> e = x.next();
      final Map.Entry<?, ?> f = y.next();
      if (!String.valueOf(e.getKey()).equals(String.valueOf(f.getKey()))
          || !typedEqual(e.getValue(), f.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Stands for the AMQP field type of a value nested in a table or array. */
  private static Class<?> typeTag(final Object value) {
    if (isString(value)) {
      return String.class;
    }
    if (value instanceof Date || value instanceof Instant) {
      return Date.class;
    }
    return value.getClass();
  }

  private static boolean exactlyEqual(final long integral, final double floating) {
    // (double) integral may round; converting back catches that. 2^63 itself is out of long range.
    return floating == (double) integral && floating < 0x1p63 && (long) floating == integral;
  }

  private static boolean isIntegral(final Object v) {
    return v instanceof Byte || v instanceof Short || v instanceof Integer || v instanceof Long
        || v instanceof Date || v instanceof Instant;
  }

  /** Integers as themselves, timestamps as whole seconds (their AMQP encoding). */
  private static long integralValue(final Object v) {
    if (v instanceof Date date) {
      return Math.floorDiv(date.getTime(), 1000L);
    }
    if (v instanceof Instant instant) {
      return instant.getEpochSecond();
    }
    return ((Number) v).longValue();
  }

  private static boolean isTable(final Object v) {
    return v instanceof Map;
  }

  private static boolean isArray(final Object v) {
    return v instanceof List || v instanceof Object[];
  }

  private static List<?> asList(final Object array) {
    return array instanceof Object[] values ? Arrays.asList(values) : (List<?>) array;
  }

  private static boolean isString(final Object v) {
    return v instanceof CharSequence || (v != null && v.getClass().getSimpleName().equals("LongString"));
  }

  private static boolean isBinary(final Object v) {
    return v instanceof byte[] || isString(v);
  }

  private static String stringValue(final Object v) {
    return isString(v) ? v.toString() : null;
  }

  private static byte[] bytes(final Object v) {
    return v instanceof byte[] b ? b : v.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String erlangTypeName(final Object v) {
    if (v == null) {
      return "void";
    }
    if (v instanceof Boolean) {
      return "bool";
    }
    if (v instanceof Byte) {
      return "byte";
    }
    if (v instanceof Short) {
      return "short";
    }
    if (v instanceof Integer) {
      return "signedint";
    }
    if (v instanceof Long) {
      return "long";
    }
    if (v instanceof Float) {
      return "float";
    }
    if (v instanceof Double) {
      return "double";
    }
    if (v instanceof BigDecimal) {
      return "decimal";
    }
    if (v instanceof Date || v instanceof Instant) {
      return "timestamp";
    }
    if (v instanceof byte[]) {
      return "binary";
    }
    if (v instanceof Map) {
      return "table";
    }
    if (isArray(v)) {
      return "array";
    }
    return v.getClass().getSimpleName();
  }

  private static String erlangValue(final Object v) {
    if (v == null) {
      return "undefined";
    }
    if (v instanceof BigDecimal d) {
      return "{" + d.scale() + "," + d.unscaledValue() + "}";
    }
    if (v instanceof Date || v instanceof Instant) {
      return Long.toString(integralValue(v));
    }
    if (v instanceof byte[] b) {
      return erlangBinary(new String(b, StandardCharsets.UTF_8));
    }
    return v.toString();
  }

  /** How Erlang's {@code ~tp} prints a binary: {@code <<"all">>}, or {@code <<"é"/utf8>>} beyond ASCII. */
  private static String erlangBinary(final String s) {
    final StringBuilder out = new StringBuilder(s.length() + 8).append("<<\"");
    boolean ascii = true;
    for (int i = 0; i < s.length(); i++) {
      final char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\');
      }
      ascii &= c < 0x80;
      out.append(c);
    }
    return out.append(ascii ? "\">>" : "\"/utf8>>").toString();
  }
}
