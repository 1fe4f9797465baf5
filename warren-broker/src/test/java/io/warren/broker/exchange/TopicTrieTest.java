package io.warren.broker.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TopicTrieTest {

  // ---------------------------------------------------------------- reference matcher

  /** The obvious recursive matcher the trie must agree with. "" is zero words; other keys keep empty words. */
  static boolean referenceMatch(final String bindingKey, final String routingKey) {
    return matchWords(words(bindingKey), 0, words(routingKey), 0);
  }

  private static String[] words(final String key) {
    return key.isEmpty() ? new String[0] : key.split("\\.", -1);
  }

  private static boolean matchWords(final String[] b, final int i, final String[] r, final int j) {
    if (i == b.length) {
      return j == r.length;
    }
    if (b[i].equals("#")) {
      for (int k = j; k <= r.length; k++) {
        if (matchWords(b, i + 1, r, k)) {
          return true;
        }
      }
      return false;
    }
    return j < r.length && (b[i].equals("*") || b[i].equals(r[j])) && matchWords(b, i + 1, r, j + 1);
  }

  // ---------------------------------------------------------------- helpers

  private static boolean trieMatches(final String bindingKey, final String routingKey) {
    final TopicTrie<String> trie = new TopicTrie<>();
    trie.add(bindingKey, "q");
    return !matched(trie, routingKey).isEmpty();
  }

  /** Collects a match, failing if any destination is reported twice. */
  private static <T> List<T> matched(final TopicTrie<T> trie, final String routingKey) {
    final List<T> out = new ArrayList<>();
    trie.match(routingKey, out::add);
    assertThat(out).as("destinations reported for '%s'", routingKey).doesNotHaveDuplicates();
    return out;
  }

  private static void assertMatch(final String bindingKey, final String routingKey, final boolean expected) {
    assertEquals(expected, trieMatches(bindingKey, routingKey),
        () -> "binding '" + bindingKey + "' vs routing key '" + routingKey + "'");
    assertEquals(expected, referenceMatch(bindingKey, routingKey),
        () -> "reference: binding '" + bindingKey + "' vs routing key '" + routingKey + "'");
  }

  // ---------------------------------------------------------------- named edge cases

  @Test
  void hashMatchesEveryKeyIncludingEmpty() {
    for (final String key : List.of("", ".", "a", "a.b.c", "..", "#", "*")) {
      assertMatch("#", key, true);
    }
  }

  @Test
  void emptyRoutingKeyIsZeroWordsSoStarDoesNotMatchIt() {
    assertMatch("*", "", false);
    assertMatch("*", "a", true);
    assertMatch("*", ".", false);
    assertMatch("#.*", "", false);
    assertMatch("*.#", "", false);
  }

  @Test
  void emptyBindingKeyMatchesOnlyTheEmptyRoutingKey() {
    assertMatch("", "", true);
    assertMatch("", ".", false);
    assertMatch("", "a", false);
  }

  @Test
  void trailingHashMatchesZeroWords() {
    assertMatch("a.#", "a", true);
    assertMatch("a.#", "a.", true);
    assertMatch("a.#", "a.b.c", true);
    assertMatch("a.#", "b", false);
    assertMatch("#.a", "a", true);
    assertMatch("#.a", ".a", true);
    assertMatch("#.a", "a.", false);
  }

  @Test
  void doubleHashBehavesLikeOneHash() {
    assertMatch("#.#", "", true);
    assertMatch("#.#", "a", true);
    assertMatch("#.#", "a.b.c", true);
    assertMatch("a.#.#.b", "a.b", true);
    assertMatch("a.#.#.b", "a.x.y.b", true);
    assertMatch("a.#.#.b", "a", false);
  }

  @Test
  void starThenHashNeedsAtLeastOneWord() {
    assertMatch("a.*.#", "a", false);
    assertMatch("a.*.#", "a.", true);
    assertMatch("a.*.#", "a.b", true);
    assertMatch("a.*.#", "a.b.c.d", true);
  }

  @Test
  void consecutiveDotsAreEmptyWords() {
    assertMatch("a..b", "a..b", true);
    assertMatch("a..b", "a.b", false);
    assertMatch("a.*.b", "a..b", true);
    assertMatch("a.#.b", "a..b", true);
    assertMatch(".", ".", true);
    assertMatch("*.*", ".", true);
    assertMatch("*.", "a.", true);
    assertMatch(".*", ".a", true);
    assertMatch("..", "..", true);
    assertMatch("..", ".", false);
    assertMatch("#..#", ".", true);
    assertMatch("#..#", "a.b", false);
  }

  @Test
  void wildcardCharactersInsideAWordAreLiteral() {
    assertMatch("a*", "a*", true);
    assertMatch("a*", "ab", false);
    assertMatch("#a", "xa", false);
    assertMatch("a.b#", "a.b#", true);
  }

  @Test
  void wildcardCharactersInARoutingKeyAreOrdinaryWords() {
    assertMatch("*", "#", true);
    assertMatch("*", "*", true);
    assertMatch("a", "*", false);
    assertMatch("a.#", "a.#", true);
    assertMatch("#", "#.#", true);
  }

  @Test
  void literalWordsMustMatchExactly() {
    assertMatch("stock.usd.nyse", "stock.usd.nyse", true);
    assertMatch("stock.usd.nyse", "stock.usd.nys", false);
    assertMatch("stock.usd.nyse", "stock.usd.nyse.x", false);
    assertMatch("stock.usd.nyse", "stock.usd", false);
    assertMatch("é.ü", "é.ü", true);
  }

  /**
   * Confirmed against RabbitMQ 3.10 on port 5690: one queue bound to a fresh topic exchange per binding
   * key, each routing key published once with publisher confirms, then each queue drained with
   * basic.get. The lists below are exactly what each queue received.
   */
  @Test
  void agreesWithRabbitMqOnEdgeCaseMatrix() {
    final List<String> routingKeys = List.of("", ".", "..", "a", "a.", ".a", "a.b", "a..b", "a.x.b", "a.b.b",
        "b", "a.b.c", "#", "*", "a.#", "x.y.z.a");
    final Map<String, List<String>> rabbitMq = new LinkedHashMap<>();
    rabbitMq.put("", List.of(""));
    rabbitMq.put("#", routingKeys);
    rabbitMq.put("*", List.of("a", "b", "#", "*"));
    rabbitMq.put("#.#", routingKeys);
    rabbitMq.put("a.#", List.of("a", "a.", "a.b", "a..b", "a.x.b", "a.b.b", "a.b.c", "a.#"));
    rabbitMq.put("#.a", List.of("a", ".a", "x.y.z.a"));
    rabbitMq.put("a.*.#", List.of("a.", "a.b", "a..b", "a.x.b", "a.b.b", "a.b.c", "a.#"));
    rabbitMq.put("*.*", List.of(".", "a.", ".a", "a.b", "a.#"));
    rabbitMq.put(".", List.of("."));
    rabbitMq.put("a..b", List.of("a..b"));
    rabbitMq.put("a.*.b", List.of("a..b", "a.x.b", "a.b.b"));
    rabbitMq.put("a.", List.of("a."));
    rabbitMq.put("#.*", routingKeys.subList(1, routingKeys.size()));
    rabbitMq.put("*.#", routingKeys.subList(1, routingKeys.size()));
    rabbitMq.put("a.#.#.b", List.of("a.b", "a..b", "a.x.b", "a.b.b"));
    rabbitMq.put("a.#.b", List.of("a.b", "a..b", "a.x.b", "a.b.b"));
    rabbitMq.put("..", List.of(".."));
    rabbitMq.put("#..#", List.of(".", "..", "a.", ".a", "a..b"));
    rabbitMq.put("*.", List.of(".", "a."));
    rabbitMq.put(".*", List.of(".", ".a"));
    rabbitMq.put("#.b.#", List.of("a.b", "a..b", "a.x.b", "a.b.b", "b", "a.b.c"));
    rabbitMq.put("a.b", List.of("a.b"));

    // all bindings in one trie, destination = binding key, as on the broker
    final TopicTrie<String> trie = new TopicTrie<>();
    rabbitMq.keySet().forEach(k -> trie.add(k, k));
    for (final String routingKey : routingKeys) {
      final Set<String> expected = new TreeSet<>();
      rabbitMq.forEach((binding, delivered) -> {
        if (delivered.contains(routingKey)) {
          expected.add(binding);
        }
      });
      assertThat(new TreeSet<>(matched(trie, routingKey))).as("routing key '%s'", routingKey)
          .isEqualTo(expected);
      for (final String binding : rabbitMq.keySet()) {
        assertEquals(expected.contains(binding), referenceMatch(binding, routingKey),
            () -> "reference: '" + binding + "' vs '" + routingKey + "'");
      }
    }
  }

  // ---------------------------------------------------------------- add / remove / size

  @Test
  void addReportsDuplicatePairsAndSizeCountsBindings() {
    final TopicTrie<String> trie = new TopicTrie<>();
    assertThat(trie.isEmpty()).isTrue();
    assertThat(trie.add("a.b", "q1")).isTrue();
    assertThat(trie.add("a.b", "q1")).isFalse();
    assertThat(trie.add("a.b", "q2")).isTrue();
    assertThat(trie.add("a.*", "q1")).isTrue();
    assertThat(trie.size()).isEqualTo(3);
    assertThat(trie.isEmpty()).isFalse();
  }

  @Test
  void removeDropsOnlyThatPairAndReportsMissingOnes() {
    final TopicTrie<String> trie = new TopicTrie<>();
    trie.add("a.b", "q1");
    trie.add("a.b", "q2");
    trie.add("a.#", "q1");
    assertThat(trie.remove("a.b", "q3")).isFalse();
    assertThat(trie.remove("a.c", "q1")).isFalse();
    assertThat(trie.remove("a.b.c", "q1")).isFalse();
    assertThat(trie.remove("a.b", "q1")).isTrue();
    assertThat(trie.remove("a.b", "q1")).isFalse();
    assertThat(matched(trie, "a.b")).containsExactlyInAnyOrder("q1", "q2");
    assertThat(trie.remove("a.#", "q1")).isTrue();
    assertThat(matched(trie, "a.b")).containsExactly("q2");
    assertThat(trie.remove("a.b", "q2")).isTrue();
    assertThat(trie.isEmpty()).isTrue();
    assertThat(matched(trie, "a.b")).isEmpty();
  }

  @Test
  void prunedPathsCanBeReboundAndSiblingsSurvive() {
    final TopicTrie<String> trie = new TopicTrie<>();
    for (int i = 0; i < 50; i++) {
      trie.add("a.w" + i + ".#", "q" + i);
    }
    for (int i = 0; i < 50; i += 2) {
      assertThat(trie.remove("a.w" + i + ".#", "q" + i)).isTrue();
    }
    for (int i = 0; i < 50; i++) {
      assertThat(matched(trie, "a.w" + i)).isEqualTo(i % 2 == 0 ? List.of() : List.of("q" + i));
    }
    assertThat(trie.add("a.w4.#", "q4")).isTrue();
    assertThat(matched(trie, "a.w4.x")).containsExactly("q4");
  }

  // ---------------------------------------------------------------- at most once

  @Test
  void destinationMatchedByManyBindingsIsReportedOnce() {
    final TopicTrie<String> trie = new TopicTrie<>();
    for (final String key : List.of("#", "a.#", "#.b", "a.b", "*.*", "#.#", "a.#.#.b", "*.#")) {
      trie.add(key, "q");
    }
    trie.add("a.b", "other");
    assertThat(matched(trie, "a.b")).containsExactlyInAnyOrder("q", "other");
    assertThat(matched(trie, "a.b")).containsExactlyInAnyOrder("q", "other");
  }

  @Test
  void matchStartedFromInsideAMatchCallbackIsIndependent() {
    final TopicTrie<String> trie = new TopicTrie<>();
    trie.add("a.#", "q1");
    trie.add("#", "q2");
    trie.add("a.*", "q1");
    final List<String> outer = new ArrayList<>();
    final List<String> inner = new ArrayList<>();
    trie.match("a.b", d -> {
      outer.add(d);
      trie.match("a.b", inner::add);
    });
    assertThat(outer).containsExactlyInAnyOrder("q1", "q2");
    assertThat(inner).containsExactlyInAnyOrder("q1", "q2", "q1", "q2");
  }

  @Test
  // SEPARATE_THREAD so that a blow-up fails the test instead of hanging the build
  @Timeout(value = 10, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void manyHashesOnALongKeyStayPolynomial() {
    // naive backtracking would visit C(200+10, 10) states here
    final TopicTrie<String> trie = new TopicTrie<>();
    trie.add("#.#.#.#.#.#.#.#.#.#.z", "q");
    trie.add("#.#.#.#.#.#.#.#.#.#.y", "never");
    final String key = "w.".repeat(200) + "z";
    assertThat(matched(trie, key)).containsExactly("q");
    assertThat(matched(trie, "w.".repeat(200) + "x")).isEmpty();
  }

  // ---------------------------------------------------------------- randomized and large

  private static final String[] BINDING_WORDS = {"a", "b", "", "*", "#", "a*"};
  private static final String[] ROUTING_WORDS = {"a", "b", "", "c", "*", "#"};

  private static String randomKey(final Random random, final String[] alphabet, final int maxWords) {
    final int n = random.nextInt(maxWords + 1);
    final StringBuilder key = new StringBuilder();
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        key.append('.');
      }
      key.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return key.toString();
  }

  private record Binding(String key, Integer destination) {
  }

  private static void assertAgreesWithReference(final TopicTrie<Integer> trie, final Set<Binding> bindings,
      final String routingKey, final String context) {
    final Set<Integer> expected = new TreeSet<>();
    for (final Binding b : bindings) {
      if (referenceMatch(b.key(), routingKey)) {
        expected.add(b.destination());
      }
    }
    final List<Integer> actual = new ArrayList<>();
    trie.match(routingKey, actual::add);
    assertThat(actual).as("%s, routing key '%s', bindings %s", context, routingKey, bindings)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void agreesWithReferenceMatcherOnRandomBindingsAndKeys() {
    final long seed = 0x5EED_70B1CL;
    final Random random = new Random(seed);
    for (int round = 0; round < 300; round++) {
      final String context = "seed " + seed + " round " + round;
      final TopicTrie<Integer> trie = new TopicTrie<>();
      final Set<Binding> bindings = new HashSet<>();
      final int count = 1 + random.nextInt(30);
      for (int i = 0; i < count; i++) {
        final Binding b = new Binding(randomKey(random, BINDING_WORDS, 5), random.nextInt(8));
        assertThat(trie.add(b.key(), b.destination())).as(context + " add " + b).isEqualTo(bindings.add(b));
      }
      assertThat(trie.size()).as(context).isEqualTo(bindings.size());
      for (int i = 0; i < 40; i++) {
        assertAgreesWithReference(trie, bindings, randomKey(random, ROUTING_WORDS, 6), context);
      }
      for (final Binding b : new ArrayList<>(bindings)) {
        if (random.nextBoolean()) {
          assertThat(trie.remove(b.key(), b.destination())).as(context + " remove " + b).isTrue();
          bindings.remove(b);
        }
      }
      assertThat(trie.remove(randomKey(random, BINDING_WORDS, 5), 99)).as(context).isFalse();
      assertThat(trie.size()).as(context).isEqualTo(bindings.size());
      for (int i = 0; i < 40; i++) {
        assertAgreesWithReference(trie, bindings, randomKey(random, ROUTING_WORDS, 6), context);
      }
    }
  }

  @Test
  void tenThousandBindingsRouteLikeTheReference() {
    final long seed = 10_000L;
    final Random random = new Random(seed);
    final TopicTrie<Integer> trie = new TopicTrie<>();
    final Set<Binding> bindings = new HashSet<>();
    final String[] regions = {"eu", "us", "ap", "*", "#"};
    for (int i = 0; i < 10_000; i++) {
      final String key = switch (i % 5) {
        case 0 -> "stock." + regions[random.nextInt(regions.length)] + ".s" + random.nextInt(500);
        case 1 -> "stock.*.s" + random.nextInt(500);
        case 2 -> "stock." + regions[random.nextInt(3)] + ".#";
        case 3 -> "#.s" + random.nextInt(500);
        default -> "log.s" + random.nextInt(50) + ".#.error";
      };
      final Binding b = new Binding(key, i % 3000);
      assertThat(trie.add(key, b.destination())).isEqualTo(bindings.add(b));
    }
    trie.add("#", 3000);
    bindings.add(new Binding("#", 3000));
    assertThat(trie.size()).isEqualTo(bindings.size());
    for (int i = 0; i < 200; i++) {
      final String routingKey = switch (i % 4) {
        case 0 -> "stock." + regions[random.nextInt(3)] + ".s" + random.nextInt(500);
        case 1 -> "x.y.s" + random.nextInt(500);
        case 2 -> "log.s" + random.nextInt(50) + ".a.b.error";
        default -> "stock." + regions[random.nextInt(3)];
      };
      assertAgreesWithReference(trie, bindings, routingKey, "seed " + seed);
    }
  }

  @Test
  void largeFanoutOnOneKeyReportsEveryDestinationOnce() {
    final TopicTrie<Integer> trie = new TopicTrie<>();
    for (int i = 0; i < 5000; i++) {
      trie.add("#", i);
      trie.add("a.*", i);
    }
    assertThat(matched(trie, "a.b")).hasSize(5000);
    for (int i = 0; i < 5000; i += 2) {
      assertThat(trie.remove("#", i)).isTrue();
    }
    assertThat(matched(trie, "a.b")).hasSize(5000);
    assertThat(matched(trie, "z")).hasSize(2500).allMatch(i -> i % 2 == 1);
  }
}
