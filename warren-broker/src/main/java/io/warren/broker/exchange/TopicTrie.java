package io.warren.broker.exchange;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The topic exchange's matcher: binding keys stored as a trie of words, walked once per routing key.
 *
 * <h2>Semantics (RabbitMQ's, checked against a RabbitMQ 3.10 node)</h2>
 * Keys are split on {@code '.'} into words, keeping empty words: {@code "a..b"} is {@code a, "", b},
 * {@code "a."} is {@code a, ""} and {@code "."} is two empty words. The one exception is the empty key,
 * which is <em>zero</em> words, not one empty word. {@code *} matches exactly one word (possibly empty),
 * {@code #} matches zero or more. So {@code "#"} matches every key including {@code ""}; {@code "*"}
 * does not match {@code ""} but does match {@code "a"}; {@code "a.#"} matches {@code "a"}; binding
 * {@code ""} matches only routing key {@code ""}. A {@code *} or {@code #} inside a word ({@code "a*"})
 * is an ordinary word, and in a routing key {@code *} and {@code #} are ordinary words too.
 *
 * <h2>Walk</h2>
 * Each node has a table of literal children keyed by word, plus at most one {@code *} child and one
 * {@code #} child. Matching walks the routing key by index (no split, no substrings): literal children
 * are found by hashing the word's characters in place. A {@code #} child entered at word {@code i}
 * stands for every continuation {@code i..n}; several {@code #} in one binding key ({@code "#.#.#"})
 * would revisit the same (node, word) states exponentially often, so each {@code #} node remembers,
 * per match, the lowest word position it was entered from and only walks positions below that. Since
 * every other node has exactly one parent, this bounds a match by (nodes x words).
 *
 * <h2>At most once per destination, without a set per call</h2>
 * A destination bound by several matching keys is reported once. Every destination and every
 * {@code #} node gets a small dense id (recycled on removal), and a per-thread {@code MatchScratch}
 * holds int arrays stamped with a per-match epoch: "seen" means {@code stamp[id] == epoch}, so a match
 * clears nothing and allocates nothing once the arrays have grown to the trie's size. The scratch is
 * per thread rather than per trie so that concurrent matches on one trie do not interfere; a match
 * started from inside another match's callback on the same thread gets a fresh scratch.
 *
 * <h2>Threading</h2>
 * Not synchronised. {@link #add} and {@link #remove} need exclusive access; {@link #match} only reads
 * the trie, so any number of matches may run together while no mutation does (one owner thread, or a
 * read/write lock held by the exchange). The callback given to {@code match} must not mutate this trie.
 *
 * @param <T> the binding destination (a queue or exchange); compared with {@code equals}/{@code hashCode}
 */
public final class TopicTrie<T> {

  private static final ThreadLocal<MatchScratch> SCRATCH = ThreadLocal.withInitial(MatchScratch::new);

  private final Node<T> root = new Node<>(null, "");
  /** Interned destinations: gives each a dense id and counts its bindings so the id can be recycled. */
  private final Map<T, Destination<T>> destinations = new HashMap<>();
  private final IdPool destinationIds = new IdPool();
  private final IdPool hashNodeIds = new IdPool();
  private int size;

  /**
   * Adds a binding.
   *
   * @return false if this exact (binding key, destination) pair was already present
   */
  public boolean add(final String bindingKey, final T destination) {
    Node<T> node = root;
    if (!bindingKey.isEmpty()) {
      int from = 0;
      while (true) {
        final int dot = bindingKey.indexOf('.', from);
        final int to = dot < 0 ? bindingKey.length() : dot;
        node = node.childOrCreate(bindingKey.substring(from, to), hashNodeIds);
        if (dot < 0) {
          break;
        }
        from = dot + 1;
      }
    }
    Destination<T> d = destinations.get(destination);
    if (d == null) {
      d = new Destination<>(destination, destinationIds.acquire());
      destinations.put(destination, d);
    } else if (node.indexOf(d) >= 0) {
      return false;
    }
    node.bind(d);
    d.bindings++;
    size++;
    return true;
  }

  /**
   * Removes a binding and prunes nodes left with neither bindings nor children.
   *
   * @return false if the pair was not present
   */
  public boolean remove(final String bindingKey, final T destination) {
    final Destination<T> d = destinations.get(destination);
    if (d == null) {
      return false;
    }
    Node<T> node = root;
    if (!bindingKey.isEmpty()) {
      int from = 0;
      while (node != null) {
        final int dot = bindingKey.indexOf('.', from);
        final int to = dot < 0 ? bindingKey.length() : dot;
        node = node.child(bindingKey.substring(from, to));
        if (dot < 0) {
          break;
        }
        from = dot + 1;
      }
    }
    if (node == null || !node.unbind(d)) {
      return false;
    }
    size--;
    if (--d.bindings == 0) {
      destinations.remove(destination);
      destinationIds.release(d.id);
    }
    while (node != root && node.isEmpty()) {
      final Node<T> parent = node.parent;
      parent.detach(node);
      if (node.hashId >= 0) {
        hashNodeIds.release(node.hashId);
      }
      node = parent;
    }
    return true;
  }

  /**
   * Reports every destination bound with a key that matches {@code routingKey}, each at most once.
   * The callback must not modify this trie.
   */
  public void match(final String routingKey, final Consumer<? super T> out) {
    if (size == 0) {
      return;
    }
    MatchScratch scratch = SCRATCH.get();
    final boolean nested = scratch.inUse;
    if (nested) {
      scratch = new MatchScratch();
    }
    scratch.begin(destinationIds.limit(), hashNodeIds.limit());
    scratch.inUse = true;
    try {
      final int start = routingKey.isEmpty() ? routingKey.length() + 1 : 0;
      walk(root, start, routingKey, scratch, out);
    } finally {
      scratch.inUse = false;
    }
  }

  /** Number of bindings. */
  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  /*
   * A position is the char offset where the next word starts; routingKey.length() + 1 means "no words
   * left". That sentinel is needed because "a." still has an empty word to match at offset 2.
   */
  private static <T> void walk(final Node<T> node, final int position, final String key,
      final MatchScratch scratch, final Consumer<? super T> out) {
    final int noWordsLeft = key.length() + 1;
    if (position == noWordsLeft) {
      report(node, scratch, out);
      if (node.hash != null) {
        enterHash(node.hash, position, key, scratch, out);
      }
      return;
    }
    final int dot = key.indexOf('.', position);
    final int wordEnd = dot < 0 ? key.length() : dot;
    final int next = wordEnd + 1;
    if (node.literalCount > 0) {
      final Node<T> child = node.literal(key, position, wordEnd);
      if (child != null) {
        walk(child, next, key, scratch, out);
      }
    }
    if (node.star != null) {
      walk(node.star, next, key, scratch, out);
    }
    if (node.hash != null) {
      enterHash(node.hash, position, key, scratch, out);
    }
  }

  /** '#' entered at {@code from} continues at every later position; each position is walked once. */
  private static <T> void enterHash(final Node<T> hash, final int from, final String key,
      final MatchScratch scratch, final Consumer<? super T> out) {
    final int alreadyWalkedFrom = scratch.lowestHashEntry(hash.hashId);
    if (from >= alreadyWalkedFrom) {
      return;
    }
    scratch.setLowestHashEntry(hash.hashId, from);
    final int noWordsLeft = key.length() + 1;
    int position = from;
    while (position < alreadyWalkedFrom) {
      walk(hash, position, key, scratch, out);
      if (position == noWordsLeft) {
        break;
      }
      final int dot = key.indexOf('.', position);
      position = dot < 0 ? noWordsLeft : dot + 1;
    }
  }

  private static <T> void report(final Node<T> node, final MatchScratch scratch, final Consumer<? super T> out) {
    final Destination<T>[] bound = node.bound;
    for (int i = 0, n = node.boundCount; i < n; i++) {
      final Destination<T> d = bound[i];
      if (scratch.firstSighting(d.id)) {
        out.accept(d.value);
      }
    }
  }

  /** A binding destination, interned so it has a dense id for the per-match "seen" stamps. */
  private static final class Destination<T> {
    final T value;
    final int id;
    int bindings;

    Destination(final T value, final int id) {
      this.value = value;
      this.id = id;
    }
  }

  private static final class Node<T> {
    private static final int INDEX_THRESHOLD = 8;

    final Node<T> parent;
    final String word;
    final int wordHash;
    /** Id into the match scratch for '#' nodes; -1 for every other node. */
    int hashId = -1;

    /** Literal children: a chained hash table whose chains run through {@link #nextInBucket}. */
    Node<T>[] buckets;
    int literalCount;
    Node<T> nextInBucket;
    Node<T> star;
    Node<T> hash;

    /** Destinations bound at this node: an array to iterate, indexed by a map once it gets long. */
    Destination<T>[] bound = emptyBound();
    int boundCount;
    Map<Destination<T>, Integer> boundIndex;

    Node(final Node<T> parent, final String word) {
      this.parent = parent;
      this.word = word;
      this.wordHash = word.hashCode();
    }

    @SuppressWarnings("unchecked")
    private static <T> Destination<T>[] emptyBound() {
      return (Destination<T>[]) new Destination<?>[0];
    }

    Node<T> child(final String w) {
      return switch (w) {
        case "*" -> star;
        case "#" -> hash;
        default -> literalCount == 0 ? null : literal(w, 0, w.length());
      };
    }

    Node<T> childOrCreate(final String w, final IdPool hashNodeIds) {
      Node<T> child = child(w);
      if (child != null) {
        return child;
      }
      child = new Node<>(this, w);
      switch (w) {
        case "*" -> star = child;
        case "#" -> {
          child.hashId = hashNodeIds.acquire();
          hash = child;
        }
        default -> insertLiteral(child);
      }
      return child;
    }

    /** Finds the literal child named by {@code key[from, to)}, hashing in place as String.hashCode would. */
    Node<T> literal(final String key, final int from, final int to) {
      int h = 0;
      for (int i = from; i < to; i++) {
        h = 31 * h + key.charAt(i);
      }
      final int length = to - from;
      for (Node<T> n = buckets[bucket(h, buckets.length)]; n != null; n = n.nextInBucket) {
        if (n.wordHash == h && n.word.length() == length && key.regionMatches(from, n.word, 0, length)) {
          return n;
        }
      }
      return null;
    }

    private static int bucket(final int hash, final int tableLength) {
      return (hash ^ (hash >>> 16)) & (tableLength - 1);
    }

    @SuppressWarnings("unchecked")
    private void insertLiteral(final Node<T> child) {
      if (buckets == null) {
        buckets = (Node<T>[]) new Node<?>[4];
      } else if (literalCount + 1 > buckets.length * 3 / 4) {
        final Node<T>[] old = buckets;
        buckets = (Node<T>[]) new Node<?>[old.length * 2];
        for (Node<T> head : old) {
          while (head != null) {
            final Node<T> next = head.nextInBucket;
            final int b = bucket(head.wordHash, buckets.length);
            head.nextInBucket = buckets[b];
            buckets[b] = head;
            head = next;
          }
        }
      }
      final int b = bucket(child.wordHash, buckets.length);
      child.nextInBucket = buckets[b];
      buckets[b] = child;
      literalCount++;
    }

    void detach(final Node<T> child) {
      if (child == star) {
        star = null;
      } else if (child == hash) {
        hash = null;
      } else {
        final int b = bucket(child.wordHash, buckets.length);
        if (buckets[b] == child) {
          buckets[b] = child.nextInBucket;
        } else {
          Node<T> n = buckets[b];
          while (n.nextInBucket != child) {
            n = n.nextInBucket;
          }
          n.nextInBucket = child.nextInBucket;
        }
        child.nextInBucket = null;
        if (--literalCount == 0) {
          buckets = null;
        }
      }
    }

    boolean isEmpty() {
      return boundCount == 0 && literalCount == 0 && star == null && hash == null;
    }

    int indexOf(final Destination<T> d) {
      if (boundIndex != null) {
        final Integer i = boundIndex.get(d);
        return i == null ? -1 : i;
      }
      for (int i = 0; i < boundCount; i++) {
        if (bound[i] == d) {
          return i;
        }
      }
      return -1;
    }

    void bind(final Destination<T> d) {
      if (boundCount == bound.length) {
        bound = Arrays.copyOf(bound, Math.max(2, boundCount * 2));
      }
      bound[boundCount] = d;
      if (boundIndex != null) {
        boundIndex.put(d, boundCount);
      } else if (boundCount + 1 > INDEX_THRESHOLD) {
        boundIndex = new HashMap<>();
        for (int i = 0; i <= boundCount; i++) {
          boundIndex.put(bound[i], i);
        }
      }
      boundCount++;
    }

    /** Removes by moving the last destination into the hole: order within a node does not matter. */
    boolean unbind(final Destination<T> d) {
      final int i = indexOf(d);
      if (i < 0) {
        return false;
      }
      final int last = --boundCount;
      final Destination<T> moved = bound[last];
      bound[i] = moved;
      bound[last] = null;
      if (boundIndex != null) {
        boundIndex.remove(d);
        if (moved != d) {
          boundIndex.put(moved, i);
        }
        if (boundCount == 0) {
          boundIndex = null;
        }
      }
      if (boundCount == 0) {
        bound = emptyBound();
      }
      return true;
    }
  }

  /** Dense small ints, reused after release so the scratch arrays stay as small as the trie. */
  private static final class IdPool {
    private int[] free = new int[8];
    private int freeCount;
    private int next;

    int acquire() {
      return freeCount > 0 ? free[--freeCount] : next++;
    }

    void release(final int id) {
      if (freeCount == free.length) {
        free = Arrays.copyOf(free, freeCount * 2);
      }
      free[freeCount++] = id;
    }

    /** One past the highest id ever handed out. */
    int limit() {
      return next;
    }
  }

  /** Per-thread state of one match: epoch-stamped arrays, so starting a match clears nothing. */
  private static final class MatchScratch {
    int epoch;
    boolean inUse;
    int[] seenStamp = new int[16];
    int[] hashStamp = new int[16];
    int[] hashLowest = new int[16];

    void begin(final int destinationLimit, final int hashLimit) {
      if (seenStamp.length < destinationLimit) {
        seenStamp = Arrays.copyOf(seenStamp, Math.max(destinationLimit, seenStamp.length * 2));
      }
      if (hashStamp.length < hashLimit) {
        final int length = Math.max(hashLimit, hashStamp.length * 2);
        hashStamp = Arrays.copyOf(hashStamp, length);
        hashLowest = Arrays.copyOf(hashLowest, length);
      }
      if (++epoch == 0) {
        // After 2^32 matches stale stamps could equal the new epoch: wipe them once.
        Arrays.fill(seenStamp, 0);
        Arrays.fill(hashStamp, 0);
        epoch = 1;
      }
    }

    boolean firstSighting(final int destinationId) {
      if (seenStamp[destinationId] == epoch) {
        return false;
      }
      seenStamp[destinationId] = epoch;
      return true;
    }

    int lowestHashEntry(final int hashId) {
      return hashStamp[hashId] == epoch ? hashLowest[hashId] : Integer.MAX_VALUE;
    }

    void setLowestHashEntry(final int hashId, final int position) {
      hashStamp[hashId] = epoch;
      hashLowest[hashId] = position;
    }
  }
}
