package io.warren.broker.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class UnackedDeliveriesTest {

  private static Delivery delivery(long tag) {
    Delivery d = new Delivery(null, null);
    d.tag = tag;
    return d;
  }

  private static List<Long> tags(List<Delivery> ds) {
    return ds.stream().map(d -> d.tag).toList();
  }

  @Test
  void shouldRemoveSingleTagsInAnyOrderAndRejectUnknownOnes() {
    UnackedDeliveries u = new UnackedDeliveries();
    for (long t = 1; t <= 5; t++) {
      u.add(delivery(t));
    }
    assertThat(u.remove(3).tag).isEqualTo(3);
    assertThat(u.remove(3)).isNull();
    assertThat(u.remove(1).tag).isEqualTo(1);
    assertThat(u.remove(9)).isNull();
    assertThat(u.size()).isEqualTo(3);
    List<Delivery> rest = new ArrayList<>();
    u.removeAll(rest::add);
    assertThat(tags(rest)).containsExactly(2L, 4L, 5L);
    assertThat(u.isEmpty()).isTrue();
  }

  @Test
  void shouldRemoveUpToATagSkippingHoles() {
    UnackedDeliveries u = new UnackedDeliveries();
    for (long t = 1; t <= 10; t++) {
      u.add(delivery(t));
    }
    u.remove(2);
    u.remove(5);
    List<Delivery> taken = new ArrayList<>();
    u.removeUpTo(6, taken::add);
    assertThat(tags(taken)).containsExactly(1L, 3L, 4L, 6L);
    assertThat(u.contains(7)).isTrue();
    assertThat(u.contains(6)).isFalse();
  }

  @Test
  void shouldRestoreRolledBackDeliveriesInTagOrder() {
    UnackedDeliveries u = new UnackedDeliveries();
    for (long t = 1; t <= 4; t++) {
      u.add(delivery(t));
    }
    Delivery two = u.remove(2);
    Delivery four = u.remove(4);
    u.restore(List.of(four, two));
    List<Delivery> all = new ArrayList<>();
    u.removeAll(all::add);
    assertThat(tags(all)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  void shouldAgreeWithASortedMapUnderRandomOperations() {
    Random random = new Random(42);
    UnackedDeliveries u = new UnackedDeliveries();
    TreeMap<Long, Delivery> model = new TreeMap<>();
    long nextTag = 1;
    for (int i = 0; i < 20_000; i++) {
      int op = random.nextInt(10);
      if (op < 5) {
        Delivery d = delivery(nextTag++);
        u.add(d);
        model.put(d.tag, d);
      } else if (op < 9) {
        long tag = 1 + random.nextInt((int) nextTag);
        assertThat(u.remove(tag)).isSameAs(model.remove(tag));
      } else {
        long tag = 1 + random.nextInt((int) nextTag);
        List<Delivery> taken = new ArrayList<>();
        u.removeUpTo(tag, taken::add);
        List<Delivery> expected = new ArrayList<>(model.headMap(tag, true).values());
        model.headMap(tag, true).clear();
        assertThat(taken).containsExactlyElementsOf(expected);
      }
      assertThat(u.size()).isEqualTo(model.size());
    }
  }
}
