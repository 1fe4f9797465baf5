package io.warren.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.warren.broker.MessageStats.Counter;
import org.junit.jupiter.api.Test;

class MessageStatsTest {

  @Test
  void aVhostCountsItsOpenAndClosedChannelsOnceEach() {
    MessageStats vhost = MessageStats.shared();
    MessageStats first = MessageStats.owned();
    MessageStats second = MessageStats.owned();
    vhost.adopt(first);
    vhost.adopt(second);
    first.onPublish();
    first.onPublish();
    second.onPublish();
    second.onDeliver(false, true);
    vhost.onPublish(); // published through the management API
    assertThat(vhost.get(Counter.PUBLISH)).isEqualTo(4);

    vhost.retire(first);
    vhost.retire(first); // a second close changes nothing
    first.onPublish(); // after its close a channel no longer counts
    assertThat(vhost.get(Counter.PUBLISH)).isEqualTo(4);
    assertThat(vhost.get(Counter.DELIVER)).isEqualTo(1);
    assertThat(vhost.get(Counter.REDELIVER)).isEqualTo(1);
    assertThat(vhost.deliverGet()).isEqualTo(1);
    assertThat(first.get(Counter.PUBLISH)).isEqualTo(3);
  }

  @Test
  void countsFromAnotherThreadAreSeenOnceItFinished() throws InterruptedException {
    MessageStats queue = MessageStats.owned();
    Thread writer = new Thread(() -> {
      for (int i = 0; i < 100_000; i++) {
        queue.onDeliver(true, false);
      }
      queue.onAck(5);
    });
    writer.start();
    writer.join();
    assertThat(queue.get(Counter.DELIVER_NO_ACK)).isEqualTo(100_000);
    assertThat(queue.get(Counter.ACK)).isEqualTo(5);
  }
}
