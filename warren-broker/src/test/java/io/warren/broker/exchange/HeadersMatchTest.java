package io.warren.broker.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeadersMatchTest {

  /** Stands in for the codec's long string: HeadersMatch knows it only by simple name and toString(). */
  static final class LongString {
    private final byte[] bytes;

    LongString(final String s) {
      this.bytes = s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  /** An ordered table, like one decoded from the wire. Null values are void fields. */
  private static Map<String, Object> table(final Object... keysAndValues) {
    final Map<String, Object> t = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      t.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return t;
  }

  private static boolean matches(final Map<String, Object> binding, final Map<String, Object> headers) {
    return HeadersMatch.matches(binding, headers);
  }

  // ---------------------------------------------------------------- modes

  @Test
  void allIsTheDefaultAndNeedsEveryArgument() {
    final Map<String, Object> binding = table("a", "1", "b", "2");
    assertThat(matches(binding, table("a", "1", "b", "2", "c", "3"))).isTrue();
    assertThat(matches(binding, table("a", "1"))).isFalse();
    assertThat(matches(binding, table("a", "1", "b", "3"))).isFalse();
    assertThat(matches(table("x-match", "all", "a", "1", "b", "2"), table("b", "2", "a", "1"))).isTrue();
  }

  @Test
  void anyNeedsOneArgument() {
    final Map<String, Object> binding = table("x-match", "any", "a", "1", "b", "2");
    assertThat(matches(binding, table("b", "2"))).isTrue();
    assertThat(matches(binding, table("a", "9", "b", "2"))).isTrue();
    assertThat(matches(binding, table("a", "9", "b", "9"))).isFalse();
    assertThat(matches(binding, table("c", "1"))).isFalse();
  }

  @Test
  void allWithoutArgumentsMatchesEverythingAndAnyWithoutArgumentsNothing() {
    for (final Map<String, Object> headers : List.of(table(), table("a", "1"))) {
      assertThat(matches(table(), headers)).isTrue();
      assertThat(matches(table("x-match", "all"), headers)).isTrue();
      assertThat(matches(table("x-match", "all-with-x"), headers)).isTrue();
      assertThat(matches(table("x-match", "any"), headers)).isFalse();
      assertThat(matches(table("x-match", "any-with-x"), headers)).isFalse();
    }
    assertThat(matches(table(), null)).isTrue();
    assertThat(matches(null, null)).isTrue();
    assertThat(matches(table("x-match", "any"), null)).isFalse();
  }

  @Test
  void nullHeadersAreNoHeaders() {
    assertThat(matches(table("a", null), null)).isFalse();
    assertThat(matches(table("x-match", "any", "a", "1"), null)).isFalse();
    assertThat(matches(table("x-foo", "bar"), null)).isTrue();
  }

  @Test
  void xArgumentsAreIgnoredUnlessWithX() {
    assertThat(matches(table("x-foo", "bar"), table())).isTrue();
    assertThat(matches(table("x-match", "any", "x-foo", "bar"), table("x-foo", "bar"))).isFalse();
    assertThat(matches(table("x-match", "all-with-x", "x-foo", "bar"), table("x-foo", "bar"))).isTrue();
    assertThat(matches(table("x-match", "all-with-x", "x-foo", "bar"), table())).isFalse();
    assertThat(matches(table("x-match", "any-with-x", "x-foo", "bar", "a", "1"), table("x-foo", "bar"))).isTrue();
    assertThat(matches(table("x-match", "any-with-x", "x-foo", "bar", "a", "1"), table("x-foo", "no"))).isFalse();
  }

  @Test
  void xMatchItselfNeverHasToBeInTheHeaders() {
    assertThat(matches(table("x-match", "all-with-x", "a", "1"), table("a", "1"))).isTrue();
    assertThat(matches(table("x-match", "any-with-x"), table("x-match", "any-with-x"))).isFalse();
  }

  @Test
  void unknownOrNonStringXMatchMeansAll() {
    // RabbitMQ refuses such bindings (see invalid* tests) but routes old ones as 'all'
    assertThat(matches(table("x-match", "ANY", "a", "1", "b", "2"), table("a", "1"))).isFalse();
    assertThat(matches(table("x-match", 5, "a", "1"), table("a", "1"))).isTrue();
    assertThat(matches(table("x-match", "any".getBytes(StandardCharsets.UTF_8), "a", "1", "b", "2"),
        table("a", "1"))).isFalse();
    assertThat(matches(table("x-match", new LongString("any"), "a", "1", "b", "2"), table("a", "1"))).isTrue();
  }

  // ---------------------------------------------------------------- void = presence

  @Test
  void voidArgumentMatchesAnyValueOfAPresentHeader() {
    final Map<String, Object> binding = table("a", null);
    assertThat(matches(binding, table("a", "anything"))).isTrue();
    assertThat(matches(binding, table("a", 0))).isTrue();
    assertThat(matches(binding, table("a", null))).isTrue();
    assertThat(matches(binding, table("b", "1"))).isFalse();
    assertThat(matches(table("x-match", "any", "a", null, "b", "2"), table("a", 7))).isTrue();
  }

  @Test
  void voidHeaderMatchesOnlyAVoidArgument() {
    assertThat(matches(table("a", "1"), table("a", null))).isFalse();
    assertThat(matches(table("a", ""), table("a", null))).isFalse();
  }

  // ---------------------------------------------------------------- value equality

  @Test
  void integersTimestampsAndFloatsCompareByValue() {
    final List<Object> one = List.of((byte) 1, (short) 1, 1, 1L, 1.0d, 1.0f, new Date(1000), new Date(1999),
        Instant.ofEpochSecond(1));
    for (final Object a : one) {
      for (final Object b : one) {
        assertThat(matches(table("a", a), table("a", b))).as("%s (%s) vs %s (%s)",
            a, a.getClass().getSimpleName(), b, b.getClass().getSimpleName()).isTrue();
      }
    }
    assertThat(matches(table("a", 1), table("a", 0))).isFalse();
    assertThat(matches(table("a", 1), table("a", 1.5d))).isFalse();
    assertThat(matches(table("a", 1.5f), table("a", 1.5d))).isTrue();
    assertThat(matches(table("a", 0.1f), table("a", 0.1d))).isFalse();
    assertThat(matches(table("a", -1), table("a", new Date(-1000)))).isTrue();
  }

  @Test
  void integerAndDoubleCompareExactlyBeyondDoublePrecision() {
    final long twoTo53PlusOne = 9_007_199_254_740_993L;
    assertThat(matches(table("a", twoTo53PlusOne), table("a", 9_007_199_254_740_992.0d))).isFalse();
    assertThat(matches(table("a", 9_007_199_254_740_992L), table("a", 9_007_199_254_740_992.0d))).isTrue();
    assertThat(matches(table("a", Long.MAX_VALUE), table("a", 0x1p63))).isFalse();
    assertThat(matches(table("a", twoTo53PlusOne), table("a", new Date(twoTo53PlusOne * 1000)))).isTrue();
  }

  @Test
  void stringsEqualByteArraysAndLongStringsWithTheSameBytes() {
    final List<Object> same = List.of("héllo", new LongString("héllo"), "héllo".getBytes(StandardCharsets.UTF_8),
        new StringBuilder("héllo"));
    for (final Object a : same) {
      for (final Object b : same) {
        assertThat(matches(table("a", a), table("a", b))).as("%s vs %s", a.getClass(), b.getClass()).isTrue();
      }
    }
    assertThat(matches(table("a", "1"), table("a", 1))).isFalse();
    assertThat(matches(table("a", ""), table("a", List.of()))).isFalse();
    assertThat(matches(table("a", "x"), table("a", "X"))).isFalse();
  }

  @Test
  void decimalsCompareScaleAndUnscaledValue() {
    assertThat(matches(table("a", new BigDecimal("1.0")), table("a", new BigDecimal("1.0")))).isTrue();
    assertThat(matches(table("a", new BigDecimal("1.0")), table("a", new BigDecimal("1.00")))).isFalse();
    assertThat(matches(table("a", new BigDecimal("1")), table("a", 1))).isFalse();
    assertThat(matches(table("a", new BigDecimal("1.0")), table("a", 1.0d))).isFalse();
  }

  @Test
  void booleansEqualOnlyBooleans() {
    assertThat(matches(table("a", true), table("a", true))).isTrue();
    assertThat(matches(table("a", true), table("a", false))).isFalse();
    assertThat(matches(table("a", true), table("a", 1))).isFalse();
    assertThat(matches(table("a", false), table("a", "false"))).isFalse();
  }

  @Test
  void nestedTablesAndArraysCompareTypesAndOrder() {
    assertThat(matches(table("a", table("k", 1)), table("a", table("k", 1)))).isTrue();
    assertThat(matches(table("a", table("k", 1)), table("a", table("k", 1L)))).isFalse();
    assertThat(matches(table("a", table("k", 1, "j", 2)), table("a", table("j", 2, "k", 1)))).isFalse();
    assertThat(matches(table("a", table("k", "v")), table("a", table("k", new LongString("v"))))).isTrue();
    assertThat(matches(table("a", table("k", "v")), table("a", table("k", "v".getBytes(StandardCharsets.UTF_8)))))
        .isFalse();
    assertThat(matches(table("a", List.of(1, "x")), table("a", List.of(1, "x")))).isTrue();
    assertThat(matches(table("a", List.of(1, "x")), table("a", List.of(1L, "x")))).isFalse();
    assertThat(matches(table("a", List.of(1, "x")), table("a", List.of("x", 1)))).isFalse();
    assertThat(matches(table("a", table()), table("a", List.of()))).isTrue();
    final List<Object> withVoid = new ArrayList<>();
    withVoid.add(null);
    assertThat(matches(table("a", withVoid), table("a", new ArrayList<>(withVoid)))).isTrue();
    assertThat(matches(table("a", List.of(table("k", 1))), table("a", List.of(table("k", 1))))).isTrue();
    assertThat(matches(table("a", new Object[] {1, "x"}), table("a", List.of(1, "x")))).isTrue();
    assertThat(matches(table("a", new Object[] {1, "x"}), table("a", List.of(1L, "x")))).isFalse();
  }

  @Test
  void headerOrderAndMapTypeDoNotMatterAtTopLevel() {
    final Map<String, Object> hashed = new HashMap<>(table("b", "2", "a", "1"));
    assertThat(matches(table("a", "1", "b", "2"), hashed)).isTrue();
    assertThat(matches(new HashMap<>(table("x-match", "any", "b", "2")), table("a", "1", "b", "2"))).isTrue();
  }

  // ---------------------------------------------------------------- RabbitMQ matrix

  /**
   * Confirmed against RabbitMQ 3.10 on port 5690 with the Java client 5.31.0: one queue per binding on a
   * fresh headers exchange, every message published once (publisher confirms), queues drained with
   * basic.get. Each binding lists the messages its queue received; every other pair did not route.
   * The Java client encodes Integer as 'I', Long 'l', Double 'd', Float 'f', Byte 'b', Short 's',
   * String 'S', byte[] 'x', Date 'T' (seconds), BigDecimal 'D', Map 'F', List 'A', null 'V'.
   */
  @Test
  void agreesWithRabbitMqOnTheBindingMessageMatrix() {
    final Map<String, Map<String, Object>> messages = new LinkedHashMap<>();
    messages.put("H-null", null);
    messages.put("H-empty", table());
    messages.put("H-a1", table("a", "1"));
    messages.put("H-a1-b2", table("a", "1", "b", "2"));
    messages.put("H-a2", table("a", "2"));
    messages.put("H-b2", table("b", "2"));
    messages.put("H-a-void", table("a", null));
    messages.put("H-a-int1", table("a", 1));
    messages.put("H-a-long1", table("a", 1L));
    messages.put("H-a-double1", table("a", 1.0d));
    messages.put("H-a-bytes1", table("a", "1".getBytes(StandardCharsets.UTF_8)));
    messages.put("H-xfoo", table("x-foo", "bar"));
    messages.put("H-xfoo-a1", table("x-foo", "bar", "a", "1"));
    messages.put("H-a-true", table("a", true));
    messages.put("H-a-ts1", table("a", new Date(1000)));
    messages.put("H-a-dec1.0", table("a", new BigDecimal("1.0")));
    messages.put("H-a-dec1.00", table("a", new BigDecimal("1.00")));
    messages.put("H-a-map-k-int1", table("a", table("k", 1)));
    messages.put("H-a-map-k-long1", table("a", table("k", 1L)));
    messages.put("H-a-list", table("a", List.of(1, "x")));
    messages.put("H-a-double1.5", table("a", 1.5d));
    messages.put("H-a-float1.5", table("a", 1.5f));
    messages.put("H-a-byte1", table("a", (byte) 1));
    messages.put("H-a-empty", table("a", ""));
    messages.put("H-a-int0", table("a", 0));
    messages.put("H-a-float0.1", table("a", 0.1f));
    messages.put("H-a-double0.1", table("a", 0.1d));
    messages.put("H-a-short1", table("a", (short) 1));
    messages.put("H-a-map-2keys", table("a", table("k", 1, "j", 2)));
    messages.put("H-a-map-2keys-rev", table("a", table("j", 2, "k", 1)));
    messages.put("H-a-long-2p53+1", table("a", 9_007_199_254_740_993L));
    messages.put("H-a-double-2p53", table("a", 9_007_199_254_740_992.0d));
    messages.put("H-a-ts-big", table("a", new Date(9_007_199_254_740_993_000L)));
    messages.put("H-a-list-long", table("a", List.of(1L, "x")));

    final List<String> all = new ArrayList<>(messages.keySet());
    final List<String> withA = all.stream()
        .filter(m -> messages.get(m) != null && messages.get(m).containsKey("a")).toList();
    final List<String> numericOne = List.of("H-a-int1", "H-a-long1", "H-a-double1", "H-a-ts1", "H-a-byte1",
        "H-a-short1");
    final List<String> stringOne = List.of("H-a1", "H-a1-b2", "H-a-bytes1", "H-xfoo-a1");

    record Case(String name, Map<String, Object> binding, List<String> delivered) {
    }

    final List<Case> cases = List.of(
        new Case("B-empty", table(), all),
        new Case("B-any-only", table("x-match", "any"), List.of()),
        new Case("B-a1", table("a", "1"), stringOne),
        new Case("B-any-a1-b2", table("x-match", "any", "a", "1", "b", "2"),
            List.of("H-a1", "H-a1-b2", "H-b2", "H-a-bytes1", "H-xfoo-a1")),
        new Case("B-all-a1-b2", table("x-match", "all", "a", "1", "b", "2"), List.of("H-a1-b2")),
        new Case("B-a-void", table("a", null), withA),
        new Case("B-any-a-void", table("x-match", "any", "a", null), withA),
        new Case("B-a-int1", table("a", 1), numericOne),
        new Case("B-a-long1", table("a", 1L), numericOne),
        new Case("B-a-double1", table("a", 1.0d), numericOne),
        new Case("B-a-bytes1", table("a", "1".getBytes(StandardCharsets.UTF_8)), stringOne),
        new Case("B-xfoo", table("x-foo", "bar"), all),
        new Case("B-allx-xfoo", table("x-match", "all-with-x", "x-foo", "bar"), List.of("H-xfoo", "H-xfoo-a1")),
        new Case("B-anyx-xfoo-a1", table("x-match", "any-with-x", "x-foo", "bar", "a", "1"),
            List.of("H-a1", "H-a1-b2", "H-a-bytes1", "H-xfoo", "H-xfoo-a1")),
        new Case("B-any-xfoo", table("x-match", "any", "x-foo", "bar"), List.of()),
        new Case("B-a-true", table("a", true), List.of("H-a-true")),
        new Case("B-a-ts1", table("a", new Date(1000)), numericOne),
        new Case("B-a-dec1.0", table("a", new BigDecimal("1.0")), List.of("H-a-dec1.0")),
        new Case("B-a-map-k-int1", table("a", table("k", 1)), List.of("H-a-map-k-int1")),
        new Case("B-a-list", table("a", List.of(1, "x")), List.of("H-a-list")),
        new Case("B-a-float1.5", table("a", 1.5f), List.of("H-a-double1.5", "H-a-float1.5")),
        new Case("B-allx-only", table("x-match", "all-with-x"), all),
        new Case("B-anyx-only", table("x-match", "any-with-x"), List.of()),
        new Case("B-a-empty", table("a", ""), List.of("H-a-empty")),
        new Case("B-a-byte1", table("a", (byte) 1), numericOne),
        new Case("B-a-float0.1", table("a", 0.1f), List.of("H-a-float0.1")),
        new Case("B-a-double0.1", table("a", 0.1d), List.of("H-a-double0.1")),
        new Case("B-any-a1-xfoo-void", table("x-match", "any", "a", "1", "x-foo", null), stringOne),
        new Case("B-allx-a-void-xfoo", table("x-match", "all-with-x", "a", null, "x-foo", "bar"),
            List.of("H-xfoo-a1")),
        new Case("B-a-map-2keys", table("a", table("k", 1, "j", 2)), List.of("H-a-map-2keys")),
        new Case("B-a-ts-big", table("a", new Date(9_007_199_254_740_993_000L)),
            List.of("H-a-long-2p53+1", "H-a-ts-big")),
        new Case("B-a-long-2p53+1", table("a", 9_007_199_254_740_993L), List.of("H-a-long-2p53+1", "H-a-ts-big")));

    for (final Case c : cases) {
      final List<String> routed = all.stream().filter(m -> matches(c.binding(), messages.get(m))).toList();
      assertThat(routed).as(c.name()).isEqualTo(c.delivered());
    }
  }

  // ---------------------------------------------------------------- binding validation

  @Test
  void validXMatchValuesAndMissingXMatchAreAccepted() {
    assertThat(HeadersMatch.invalidArgumentsReason(null)).isNull();
    assertThat(HeadersMatch.invalidArgumentsReason(table("a", "1"))).isNull();
    for (final String mode : List.of("all", "any", "all-with-x", "any-with-x")) {
      assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", mode))).isNull();
      assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", new LongString(mode)))).isNull();
    }
  }

  /** Texts confirmed against RabbitMQ 3.10 (406 PRECONDITION_FAILED on queue.bind). */
  @Test
  void invalidXMatchGivesRabbitMqsReason() {
    assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", "foo")))
        .isEqualTo("Invalid x-match field value <<\"foo\">>; expected all, any, all-with-x, or any-with-x");
    assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", "ALL")))
        .isEqualTo("Invalid x-match field value <<\"ALL\">>; expected all, any, all-with-x, or any-with-x");
    assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", "any ")))
        .isEqualTo("Invalid x-match field value <<\"any \">>; expected all, any, all-with-x, or any-with-x");
    assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", 5)))
        .isEqualTo("Invalid x-match field type signedint (value 5); expected longstr");
    assertThat(HeadersMatch.invalidArgumentsReason(table("x-match", true)))
        .isEqualTo("Invalid x-match field type bool (value true); expected longstr");
  }
}
