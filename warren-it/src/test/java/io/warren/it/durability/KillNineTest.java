package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.support.WarrenProcess;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publisher confirms under SIGKILL: a publisher sends numbered persistent messages to a durable
 * queue with confirms while the broker is killed at a random moment; the broker is started again
 * on the same folder, and this repeats. At the end every message the broker confirmed is either
 * one the test consumed and acked, or still in the queue.
 *
 * <p>What is asserted is exactly what a broker with RabbitMQ's guarantees promises, no more:
 * <ul>
 *   <li>no confirmed message is lost;</li>
 *   <li>a message is seen again (not flagged redelivered) only if it was published again: the
 *       publisher re-sends what was not confirmed before a kill, as an at-least-once publisher
 *       does, and an unconfirmed message may or may not have been kept;</li>
 *   <li>an acked message may come back only flagged redelivered; and not at all if a later
 *       confirmed publish on the same channel synced after the ack;</li>
 *   <li>confirmed messages arrive in the order they were published.</li>
 * </ul>
 * A kill loses nothing the process had written (the page cache belongs to the kernel), so this
 * test proves the broker's ordering of write, sync and confirm, not the disk's; a power cut is
 * the store's own tests' business.
 *
 * <p>The suite runs {@value #DEFAULT_CYCLES} cycles; {@code bench/kill-nine-soak} runs the same
 * test for many more (system property {@code warren.soak.cycles}, timeout off) and prints its
 * figures, which it asks for with {@code warren.soak.report} (a file to write them to).
 */
@Tag("durability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KillNineTest {

  private static final String QUEUE = "kill-nine";
  private static final int DEFAULT_CYCLES = 5;
  private static final int CYCLES = Integer.getInteger("warren.soak.cycles", DEFAULT_CYCLES);
  /** Unconfirmed publishes allowed at once; bounds what a kill can leave in doubt. */
  private static final int IN_FLIGHT = 500;
  /** Messages taken and acked (then synced by a confirmed publish) at the start of a cycle. */
  private static final int ACKED_PER_CYCLE = 200;
  private static final int BODY_SIZE = 128;

  @TempDir
  Path dir;

  private final long seed = new Random().nextLong();
  private final Random random = new Random(seed);

  /** The next sequence number never published. */
  private final AtomicLong nextSeq = new AtomicLong(1);
  /** How many times each sequence number went out (more than once: re-sent after a kill). */
  private final Map<Long, Integer> published = new ConcurrentHashMap<>();
  private final Set<Long> confirmed = ConcurrentHashMap.newKeySet();
  /** Published, not confirmed when the broker died: re-sent, in order, in the next cycle. */
  private final Deque<Long> toResend = new ArrayDeque<>();
  /** Every delivery the test saw, in the order it saw them. */
  private final List<Observation> observations = Collections.synchronizedList(new ArrayList<>());
  /** Acks the client sent; the broker may not have recorded them before it died. */
  private final Set<Long> acked = ConcurrentHashMap.newKeySet();
  /**
   * Acks followed by a confirmed publish on the same channel, so they must be on disk: the message
   * number and how many observations there were when the confirm arrived.
   */
  private final Map<Long, Integer> ackedAndSynced = new ConcurrentHashMap<>();
  /** Deliveries whose body did not match their number. */
  private final List<String> damaged = Collections.synchronizedList(new ArrayList<>());

  private record Observation(long seq, boolean redelivered, String where) {}

  @Test
  void shouldLoseNoConfirmedMessageWhenKilledAtRandomMoments() throws Exception {
    Path data = dir.resolve("data");
    Path output = dir.resolve("warren.out");
    List<String> cycleLog = new ArrayList<>();
    Figures figures = new Figures();

    for (int cycle = 1; cycle <= CYCLES; cycle++) {
      long starting = System.nanoTime();
      try (WarrenProcess broker = WarrenProcess.start(data, output)) {
        figures.starts.add((System.nanoTime() - starting) / 1_000_000);
        Connection publisherConnection = broker.connectionFactory().newConnection();
        CompletableFuture<Void> publisherGone = new CompletableFuture<>();
        publisherConnection.addShutdownListener(s -> publisherGone.complete(null));
        Channel setup = publisherConnection.createChannel();
        setup.queueDeclare(QUEUE, true, false, false, null);
        if (cycle > 1) {
          ackSomeThenSync(setup);
        }

        Connection consumerConnection = null;
        AtomicBoolean consumerLive = new AtomicBoolean(true);
        if (cycle % 2 == 0) {
          consumerConnection = broker.connectionFactory().newConnection();
          startAckingConsumer(consumerConnection.createChannel(), "consumer-cycle-" + cycle, consumerLive);
        }

        Publisher publisher = new Publisher(publisherConnection.createChannel());
        Thread thread = new Thread(publisher, "publisher-cycle-" + cycle);
        thread.start();
        publisher.awaitFirstConfirm();
        long killAfter = 100 + random.nextInt(900);
        Thread.sleep(killAfter);
        broker.kill();

        publisherGone.get(10, TimeUnit.SECONDS); // after this, no confirm can still arrive
        synchronized (observations) {
          // deliveries the client still has queued are from a dead broker: the next cycle sees them again
          consumerLive.set(false);
        }
        thread.join(10_000);
        assertThat(thread.isAlive()).as("publisher stopped after the kill").isFalse();
        toResend.addAll(publisher.unconfirmed());
        cycleLog.add("cycle " + cycle + ": killed after " + killAfter + " ms; " + publisher.sent
            + " sent, " + publisher.confirmedCount + " confirmed, " + toResend.size() + " in doubt");
        figures.sent += publisher.sent;
        figures.inDoubt += toResend.size();
        figures.nacked += publisher.nacked.size();
        publisherConnection.abort(1000);
        if (consumerConnection != null) {
          consumerConnection.abort(1000);
        }
      }
    }

    try (WarrenProcess broker = WarrenProcess.start(data, output);
        Connection c = broker.connectionFactory().newConnection()) {
      drainEverything(c.createChannel());
    }
    String history = String.join("\n", cycleLog) + "\nseed " + seed + "; " + observations.size()
        + " deliveries seen, " + acked.size() + " acked";
    System.out.println("KillNineTest:\n" + history); // what the random kills hit, for the build log
    assertGuarantees(history);
    figures.report(history);
  }

  /** What the cycles added up to, for the soak script's report. */
  private final class Figures {
    final List<Long> starts = new ArrayList<>();
    final long began = System.nanoTime();
    long sent;
    long inDoubt;
    long nacked;

    /** Writes the figures to the file named by warren.soak.report, if any (only after the guarantees held). */
    void report(String history) throws IOException {
      String file = System.getProperty("warren.soak.report");
      if (file == null) {
        return;
      }
      long redelivered = observations.stream().filter(Observation::redelivered).count();
      long resent = published.values().stream().filter(times -> times > 1).count();
      List<Long> sorted = starts.stream().sorted().toList();
      String text = String.format(java.util.Locale.ROOT, """
          kill -9 soak: %d cycles in %.1f min (seed %d)
            published %,d (%,d of them re-sent after a kill), confirmed %,d, nacked %,d
            in doubt at the kills (sent, not yet confirmed): %,d in all
            confirmed messages lost: 0 of %,d (each was consumed and acked, or still in the queue at the end)
            deliveries seen %,d (%,d flagged redelivered), acked %,d
            broker start to accepting connections: median %d ms, max %d ms
          """, CYCLES, (System.nanoTime() - began) / 60e9, seed, sent, resent, confirmed.size(), nacked,
          inDoubt, confirmed.size(), observations.size(), redelivered, acked.size(), sorted.get(sorted.size() / 2),
          sorted.get(sorted.size() - 1));
      java.nio.file.Files.writeString(Path.of(file), text + "\n" + history + "\n");
    }
  }

  /**
   * Takes the oldest messages with basic.get, acks them, then publishes one more message with a
   * confirm on the same channel: once that confirm arrives, the acks before it are on disk too.
   */
  private void ackSomeThenSync(Channel ch) throws Exception {
    List<Long> taken = new ArrayList<>();
    long lastTag = -1;
    for (int i = 0; i < ACKED_PER_CYCLE; i++) {
      GetResponse r = ch.basicGet(QUEUE, false);
      if (r == null) {
        break;
      }
      long seq = seqOf(r.getProps(), r.getBody());
      observations.add(new Observation(seq, r.getEnvelope().isRedeliver(), "basic.get"));
      taken.add(seq);
      lastTag = r.getEnvelope().getDeliveryTag();
    }
    if (lastTag < 0) {
      return;
    }
    ch.basicAck(lastTag, true);
    acked.addAll(taken);
    ch.confirmSelect();
    long seq = nextSeq.getAndIncrement();
    published.merge(seq, 1, Integer::sum);
    ch.basicPublish("", QUEUE, properties(seq), body(seq));
    ch.waitForConfirmsOrDie(10_000);
    confirmed.add(seq);
    int syncedAt = observations.size();
    taken.forEach(s -> ackedAndSynced.put(s, syncedAt));
  }

  /** A consumer that acks each delivery at once, while the broker may die at any moment. */
  private void startAckingConsumer(Channel ch, String name, AtomicBoolean live) throws IOException {
    ch.basicQos(50);
    ch.basicConsume(QUEUE, false, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        long seq = seqOf(props, body);
        synchronized (observations) {
          if (!live.get()) {
            return;
          }
          observations.add(new Observation(seq, envelope.isRedeliver(), name));
        }
        try {
          getChannel().basicAck(envelope.getDeliveryTag(), false);
          acked.add(seq);
        } catch (IOException | AlreadyClosedException e) {
          // the broker died; this message was delivered but not acked
        }
      }
    });
  }

  private void drainEverything(Channel ch) throws Exception {
    int ready = ch.queueDeclarePassive(QUEUE).getMessageCount();
    CountDownLatch all = new CountDownLatch(ready);
    ch.basicQos(1000);
    ch.basicConsume(QUEUE, false, new DefaultConsumer(ch) {
      @Override
      public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
          throws IOException {
        observations.add(new Observation(seqOf(props, body), envelope.isRedeliver(), "final drain"));
        getChannel().basicAck(envelope.getDeliveryTag(), false);
        all.countDown();
      }
    });
    assertThat(all.await(30 + ready / 10_000, TimeUnit.SECONDS))
        .as("received all %d messages the queue reported", ready).isTrue();
    Thread.sleep(200);
    assertThat(observations.stream().filter(o -> o.where().equals("final drain")).count())
        .as("deliveries in the final drain").isEqualTo(ready);
  }

  private void assertGuarantees(String history) {
    List<Observation> seen = List.copyOf(observations);
    Set<Long> remaining = new HashSet<>();
    Map<Long, Integer> freshSightings = new HashMap<>();
    for (Observation o : seen) {
      if (o.where().equals("final drain")) {
        remaining.add(o.seq());
      }
      if (!o.redelivered()) {
        freshSightings.merge(o.seq(), 1, Integer::sum);
      }
    }

    TreeSet<Long> lost = new TreeSet<>();
    for (long seq : confirmed) {
      if (!acked.contains(seq) && !remaining.contains(seq)) {
        lost.add(seq);
      }
    }
    assertThat(lost).as("confirmed messages lost (never acked, not in the queue)%n%s", history).isEmpty();

    assertThat(damaged).as("deliveries whose body does not match their number").isEmpty();
    for (Observation o : seen) {
      assertThat(published).as("a message the test never published: %s", o).containsKey(o.seq());
    }

    List<String> syncedAckUndone = new ArrayList<>();
    for (int i = 0; i < seen.size(); i++) {
      Observation o = seen.get(i);
      Integer syncedAt = ackedAndSynced.get(o.seq());
      // a message published twice (re-sent after a kill) may legitimately exist twice
      if (syncedAt != null && i >= syncedAt && published.get(o.seq()) == 1) {
        syncedAckUndone.add(o.toString());
      }
    }
    assertThat(syncedAckUndone)
        .as("messages whose ack was followed by a confirmed publish, yet came back%n%s", history)
        .isEmpty();

    List<String> unexplainedDuplicates = new ArrayList<>();
    freshSightings.forEach((seq, times) -> {
      if (times > published.getOrDefault(seq, 0)) {
        unexplainedDuplicates.add(seq + " seen " + times + "x not flagged redelivered, published "
            + published.getOrDefault(seq, 0) + "x");
      }
    });
    assertThat(unexplainedDuplicates).as("duplicates without the redelivered flag%n%s", history).isEmpty();

    Set<Long> firstSeen = new HashSet<>();
    long previous = 0;
    List<String> outOfOrder = new ArrayList<>();
    for (Observation o : seen) {
      if (!firstSeen.add(o.seq()) || !confirmed.contains(o.seq()) || published.get(o.seq()) != 1) {
        continue;
      }
      if (o.seq() < previous) {
        outOfOrder.add(o.seq() + " after " + previous + " (" + o.where() + ")");
      }
      previous = o.seq();
    }
    assertThat(outOfOrder).as("confirmed messages first seen out of publish order%n%s", history).isEmpty();

    assertThat(confirmed.size()).as("the test published and confirmed something%n%s", history)
        .isGreaterThan(CYCLES);
  }

  /** Publishes until its connection dies, first re-sending what earlier cycles left unconfirmed. */
  private final class Publisher implements Runnable, ConfirmListener {

    private final Channel channel;
    /** Publish sequence number (the channel's delivery tag for confirms) to the message's number. */
    private final ConcurrentSkipListMap<Long, Long> outstanding = new ConcurrentSkipListMap<>();
    private final Semaphore window = new Semaphore(IN_FLIGHT);
    private final CountDownLatch firstConfirm = new CountDownLatch(1);
    private final Deque<Long> resend = new ArrayDeque<>(toResend);
    private final List<Long> nacked = Collections.synchronizedList(new ArrayList<>());
    volatile long sent;
    volatile long confirmedCount;

    Publisher(Channel channel) throws IOException {
      this.channel = channel;
      toResend.clear();
      channel.addConfirmListener(this);
      channel.confirmSelect();
    }

    @Override
    public void run() {
      try {
        while (true) {
          while (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (!channel.isOpen()) {
              return;
            }
          }
          long seq = resend.isEmpty() ? nextSeq.getAndIncrement() : resend.pollFirst();
          // recorded before the publish: the confirm can arrive before basicPublish returns
          outstanding.put(channel.getNextPublishSeqNo(), seq);
          published.merge(seq, 1, Integer::sum);
          channel.basicPublish("", QUEUE, properties(seq), body(seq));
          sent++;
        }
      } catch (IOException | ShutdownSignalException e) {
        // the broker was killed
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void awaitFirstConfirm() throws InterruptedException {
      assertThat(firstConfirm.await(10, TimeUnit.SECONDS)).as("a first confirm").isTrue();
    }

    /** In number order: what was sent but never confirmed (a nack counts as unconfirmed). */
    List<Long> unconfirmed() {
      TreeSet<Long> left = new TreeSet<>(outstanding.values());
      left.addAll(nacked);
      left.addAll(resend); // taken for re-sending but not reached before the kill
      return List.copyOf(left);
    }

    @Override
    public void handleAck(long tag, boolean multiple) {
      settle(tag, multiple, true);
    }

    @Override
    public void handleNack(long tag, boolean multiple) {
      settle(tag, multiple, false);
    }

    private void settle(long tag, boolean multiple, boolean ack) {
      Map<Long, Long> settled = multiple ? outstanding.headMap(tag, true) : subMapOf(tag);
      int n = 0;
      for (Map.Entry<Long, Long> e : List.copyOf(settled.entrySet())) {
        if (outstanding.remove(e.getKey()) == null) {
          continue;
        }
        n++;
        if (ack) {
          confirmed.add(e.getValue());
          confirmedCount++;
        } else {
          nacked.add(e.getValue());
        }
      }
      window.release(n);
      firstConfirm.countDown();
    }

    private Map<Long, Long> subMapOf(long tag) {
      return outstanding.subMap(tag, true, tag, true);
    }
  }

  private static AMQP.BasicProperties properties(long seq) {
    return new AMQP.BasicProperties.Builder()
        .deliveryMode(2)
        .headers(Map.of("seq", seq))
        .build();
  }

  private static byte[] body(long seq) {
    ByteBuffer b = ByteBuffer.allocate(BODY_SIZE);
    while (b.remaining() >= Long.BYTES) {
      b.putLong(seq);
    }
    return b.array();
  }

  /** The message's number, checked against its body so that a damaged message cannot pass. */
  private long seqOf(AMQP.BasicProperties props, byte[] body) {
    long seq = ((Number) props.getHeaders().get("seq")).longValue();
    if (!java.util.Arrays.equals(body, body(seq))) {
      damaged.add("message " + seq + ": body of " + body.length + " bytes does not match");
    }
    return seq;
  }
}
