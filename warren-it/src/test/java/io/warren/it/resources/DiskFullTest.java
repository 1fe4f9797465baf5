package io.warren.it.resources;

import static io.warren.it.resources.AlarmTestSupport.blockedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import io.warren.it.support.SmallFilesystem;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A disk that really fills: the data folder is a small file system of its own (see
 * {@link SmallFilesystem}; skipped where nothing can be mounted). Publishers with confirms must be
 * blocked (connection.blocked "low on disk") before the disk is full, as RabbitMQ blocks them, and
 * never closed; if the disk fills all the same, the messages that did not fit are nacked and the
 * publisher is blocked; when space comes back, publishing resumes. Nothing confirmed is lost.
 */
@Tag("spec-connection-blocked")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiskFullTest {

  private static final long MIB = 1024 * 1024;
  private static final String QUEUE = "disk-full";

  @TempDir
  Path tmp;

  @Test
  void shouldBlockPublishersBeforeTheDiskFillsAndLoseNoConfirmedMessage() throws Exception {
    long limit = 8 * MIB;
    try (SmallFilesystem disk = SmallFilesystem.mount(tmp.resolve("disk"), tmp, 64 * MIB)) {
      BrokerConfig config = config(disk).withDiskFreeLimit(limit);
      Set<Long> consumed = new HashSet<>();
      ConfirmingPublisher publisher;
      // Connections are left to the broker's close: a client's own close waits for close-ok,
      // which a blocked connection is never read for.
      try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
        Connection publishing = factory(broker).newConnection();
        Connection consuming = factory(broker).newConnection();
        BlockingQueue<String> events = blockedEvents(publishing);
        publisher = new ConfirmingPublisher(publishing, 4096);
        publisher.start();

        assertThat(events.poll(60, TimeUnit.SECONDS)).as("on a %s", disk.kind()).isEqualTo("blocked: low on disk");
        publisher.pause();
        Thread.sleep(1000); // what was in flight lands
        assertThat(disk.usableSpace()).as("free bytes once blocked (the disk never filled)").isGreaterThan(limit / 2);
        assertThat(publisher.nacked).as("nacked: the alarm came before the disk was full").isEmpty();
        assertThat(publisher.confirmed).isNotEmpty();

        // consumers are not blocked: taking half the messages frees their segments
        Channel taker = consuming.createChannel();
        int half = taker.queueDeclarePassive(QUEUE).getMessageCount() / 2;
        for (int i = 0; i < half; i++) {
          GetResponse r = taker.basicGet(QUEUE, false);
          consumed.add(ConfirmingPublisher.seqOf(r));
          taker.basicAck(r.getEnvelope().getDeliveryTag(), false);
        }
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("unblocked");

        publisher.resume(200);
        publisher.awaitSettled();
        assertThat(publisher.nacked).isEmpty();
        assertThat(publisher.closedBy).as("close reasons the publisher saw").isEmpty();
        publisher.stop();
      }

      Set<Long> kept = new HashSet<>();
      try (EmbeddedBroker restarted = EmbeddedBroker.start(config);
          Connection c = factory(restarted).newConnection()) {
        Channel ch = c.createChannel();
        for (GetResponse r = ch.basicGet(QUEUE, true); r != null; r = ch.basicGet(QUEUE, true)) {
          kept.add(ConfirmingPublisher.seqOf(r));
        }
      }
      Set<Long> lost = new HashSet<>(publisher.confirmed);
      lost.removeAll(consumed);
      lost.removeAll(kept);
      assertThat(lost).as("confirmed messages neither consumed nor there after a restart").isEmpty();
    }
  }

  /**
   * With no margin at all (limit 0) and large messages the disk fills before any alarm can see it
   * coming: the write fails with ENOSPC. The messages that did not fit are nacked and the publisher
   * is blocked; its channel stays open, the broker serves everyone else, and a purge lets it go on.
   */
  @Test
  void shouldNackAndBlockWhenAWriteFailsForLackOfSpace() throws Exception {
    try (SmallFilesystem disk = SmallFilesystem.mount(tmp.resolve("disk"), tmp, 16 * MIB)) {
      try (EmbeddedBroker broker = EmbeddedBroker.start(config(disk).withDiskFreeLimit(0))) {
        Connection publishing = factory(broker).newConnection();
        Connection other = factory(broker).newConnection();
        BlockingQueue<String> events = blockedEvents(publishing);
        ConfirmingPublisher publisher = new ConfirmingPublisher(publishing, 512 * 1024);
        publisher.start();

        assertThat(events.poll(60, TimeUnit.SECONDS)).as("on a %s", disk.kind()).isEqualTo("blocked: low on disk");
        publisher.pause();
        publisher.awaitNack();
        assertThat(publisher.channel.isOpen()).as("publishing channel open").isTrue();
        assertThat(publisher.closedBy).isEmpty();

        // everyone who does not publish is served (a publisher would be blocked too, as in RabbitMQ)
        Channel ch = other.createChannel();
        String scratch = ch.queueDeclare().getQueue();
        assertThat(ch.queueDeclarePassive(scratch).getMessageCount()).isZero();
        int stored = ch.queueDeclarePassive(QUEUE).getMessageCount();
        assertThat(stored).as("messages that fitted").isPositive();
        GetResponse first = ch.basicGet(QUEUE, false);
        assertThat(publisher.confirmed).contains(ConfirmingPublisher.seqOf(first));
        ch.basicReject(first.getEnvelope().getDeliveryTag(), true);

        ch.queuePurge(QUEUE);
        assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("unblocked");
        int nacksBefore = publisher.nacked.size();
        publisher.resume(5);
        publisher.awaitSettled();
        assertThat(publisher.nacked).as("nacks after space came back").hasSize(nacksBefore);
        assertThat(publisher.closedBy).isEmpty();
        publisher.stop();
      }
    }
  }

  private static BrokerConfig config(SmallFilesystem disk) {
    return BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(disk.path().resolve("data"));
  }

  private static ConnectionFactory factory(EmbeddedBroker broker) {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(broker.port());
    cf.setAutomaticRecoveryEnabled(false);
    return cf;
  }

  /**
   * Publishes numbered persistent messages to {@link #QUEUE} with confirms, at most 500
   * unconfirmed at a time, from its own thread; it can be paused (a blocked connection would make
   * its writes wait in the socket) and resumed for a number of further messages.
   */
  private static final class ConfirmingPublisher {

    private static final int IN_FLIGHT = 500;

    final Channel channel;
    final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
    final Set<Long> nacked = ConcurrentHashMap.newKeySet();
    final List<String> closedBy = new CopyOnWriteArrayList<>();
    private final byte[] body;
    private final ConcurrentSkipListMap<Long, Long> outstanding = new ConcurrentSkipListMap<>();
    private final Semaphore window = new Semaphore(IN_FLIGHT);
    private final Thread thread = new Thread(this::run, "disk-full-publisher");
    private final Object lock = new Object();
    /** Messages still to send: unbounded at first, then what {@link #resume} allows. Guarded by lock. */
    private long budget = Long.MAX_VALUE;
    private volatile boolean stopped;
    private long nextSeq = 1;

    ConfirmingPublisher(Connection connection, int bodySize) throws Exception {
      this.body = new byte[bodySize];
      connection.addShutdownListener(s -> closedBy.add(reason(s)));
      channel = connection.createChannel();
      channel.addShutdownListener(s -> closedBy.add(reason(s)));
      channel.queueDeclare(QUEUE, true, false, false, null);
      channel.confirmSelect();
      channel.addConfirmListener((tag, multiple) -> settle(tag, multiple, confirmed),
          (tag, multiple) -> settle(tag, multiple, nacked));
    }

    void start() {
      thread.start();
    }

    void pause() {
      synchronized (lock) {
        budget = 0;
      }
    }

    void resume(long messages) {
      synchronized (lock) {
        budget = messages;
        lock.notifyAll();
      }
    }

    void stop() throws InterruptedException {
      stopped = true;
      resume(0);
      thread.join(10_000);
    }

    void awaitSettled() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline && (hasBudget() || !outstanding.isEmpty())) {
        Thread.sleep(20);
      }
      assertThat(outstanding).as("publishes never confirmed nor nacked").isEmpty();
    }

    void awaitNack() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (nacked.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(nacked).as("nacks for the messages that did not fit").isNotEmpty();
    }

    private boolean hasBudget() {
      synchronized (lock) {
        return budget > 0;
      }
    }

    private void run() {
      try {
        while (!stopped) {
          synchronized (lock) {
            while (budget == 0 && !stopped) {
              lock.wait();
            }
            if (stopped) {
              return;
            }
            budget--;
          }
          while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (stopped) {
              return;
            }
          }
          long seq = nextSeq++;
          outstanding.put(channel.getNextPublishSeqNo(), seq);
          AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
              .deliveryMode(2).headers(Map.of("seq", seq)).build();
          channel.basicPublish("", QUEUE, props, body);
        }
      } catch (Exception e) {
        closedBy.add("publisher failed: " + e);
      }
    }

    private void settle(long tag, boolean multiple, Set<Long> into) {
      Map<Long, Long> settled = multiple ? outstanding.headMap(tag, true) : outstanding.subMap(tag, true, tag, true);
      int n = 0;
      for (Long key : List.copyOf(settled.keySet())) {
        Long seq = outstanding.remove(key);
        if (seq != null) {
          into.add(seq);
          n++;
        }
      }
      window.release(n);
    }

    static long seqOf(GetResponse r) {
      return ((Number) r.getProps().getHeaders().get("seq")).longValue();
    }

    private static String reason(ShutdownSignalException s) {
      return s.isInitiatedByApplication() && s.getReason() == null ? "closed by the test" : String.valueOf(s.getReason());
    }
  }
}
