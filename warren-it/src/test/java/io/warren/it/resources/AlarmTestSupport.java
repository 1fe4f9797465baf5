package io.warren.it.resources;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** What the resource alarm tests share: watching connection.blocked / unblocked, waiting for a count. */
final class AlarmTestSupport {

  private AlarmTestSupport() {
  }

  /** "blocked: REASON" and "unblocked", in the order the connection receives them. */
  static BlockingQueue<String> blockedEvents(Connection connection) {
    BlockingQueue<String> events = new LinkedBlockingQueue<>();
    connection.addBlockedListener(new BlockedListener() {
      @Override
      public void handleBlocked(String reason) {
        events.add("blocked: " + reason);
      }

      @Override
      public void handleUnblocked() {
        events.add("unblocked");
      }
    });
    return events;
  }

  /** Waits up to 5 s for the queue to hold {@code count} messages, then asserts it does. */
  static void awaitMessageCount(Channel ch, String queue, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ch.queueDeclarePassive(queue).getMessageCount() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(ch.queueDeclarePassive(queue).getMessageCount()).isEqualTo(count);
  }
}
