package io.warren.it.support;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A well-behaved client that measures how the broker serves everyone else while a test
 * misbehaves: every 0.2 s it publishes one message to a queue of its own and fetches it back
 * with basic.get, and keeps the worst round trip. A broker that one client can freeze shows it
 * here as a round trip of seconds (or a failure).
 */
public final class Canary implements AutoCloseable {

  private static final long PERIOD_MS = 200;

  private final Connection connection;
  private final Channel channel;
  private final String queue;
  private final Thread thread;
  private final AtomicLong worstNanos = new AtomicLong();
  private final AtomicLong rounds = new AtomicLong();
  private final long startedAt = System.nanoTime();
  private volatile long worstAt;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean running = true;

  private Canary(ConnectionFactory factory) throws Exception {
    this.connection = factory.newConnection("canary");
    this.channel = connection.createChannel();
    this.queue = channel.queueDeclare("", false, true, true, null).getQueue();
    this.thread = new Thread(this::run, "canary");
    thread.setDaemon(true);
    thread.start();
  }

  /** Starts a canary on its own connection from {@code factory}. */
  public static Canary start(ConnectionFactory factory) throws Exception {
    return new Canary(factory);
  }

  private void run() {
    long n = 0;
    while (running) {
      try {
        byte[] body = ("canary " + n++).getBytes(StandardCharsets.UTF_8);
        long start = System.nanoTime();
        channel.basicPublish("", queue, null, body);
        GetResponse got;
        while ((got = channel.basicGet(queue, true)) == null) {
          if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(30)) {
            throw new IllegalStateException("canary message not back after 30 s");
          }
          Thread.onSpinWait();
        }
        long took = System.nanoTime() - start;
        if (!new String(got.getBody(), StandardCharsets.UTF_8).equals(new String(body, StandardCharsets.UTF_8))) {
          throw new IllegalStateException("canary got someone else's message");
        }
        if (took > worstNanos.get()) {
          worstNanos.set(took);
          worstAt = start - startedAt;
        }
        rounds.incrementAndGet();
        Thread.sleep(PERIOD_MS);
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        if (running) {
          failure.compareAndSet(null, e);
        }
        return;
      }
    }
  }

  /** The slowest publish-then-get round trip so far, in milliseconds. */
  public double worstRoundTripMillis() {
    return worstNanos.get() / 1e6;
  }

  /** The worst round trip and when it began, for assertion messages. */
  public String describe() {
    return String.format("worst canary round trip %.1f ms, %.1f s after the canary started, of %d rounds",
        worstRoundTripMillis(), worstAt / 1e9, rounds());
  }

  /** Round trips completed so far. */
  public long rounds() {
    return rounds.get();
  }

  /** Throws what stopped the canary, if anything did. */
  public void assertHealthy() {
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError("canary failed", t);
    }
  }

  @Override
  public void close() throws Exception {
    running = false;
    thread.interrupt();
    thread.join(5_000);
    if (connection.isOpen()) {
      connection.close();
    }
  }
}
