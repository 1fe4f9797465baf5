package io.warren.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A consumer that records what the broker delivers so a test can wait for it with a timeout
 * instead of sleeping.
 *
 * <p>Waits are bounded by {@link #WAIT_MILLIS}; proving that nothing arrives uses a short,
 * explicit window ({@link #expectNone(long)}), because absence can only be shown by waiting.
 */
public final class Deliveries extends DefaultConsumer {

  /** How long a test waits for something it expects before failing. */
  public static final long WAIT_MILLIS = 5_000;

  /** One basic.deliver as the client saw it. */
  public record Received(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {

    public long deliveryTag() {
      return envelope.getDeliveryTag();
    }

    public boolean redelivered() {
      return envelope.isRedeliver();
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> consumeOk = new CompletableFuture<>();
  private final CompletableFuture<String> cancelOk = new CompletableFuture<>();
  private final CompletableFuture<String> brokerCancel = new CompletableFuture<>();

  /** What a consumer does with each delivery after recording it (e.g. an RPC server replying). */
  @FunctionalInterface
  public interface OnDelivery {
    void accept(Channel channel, Received delivery) throws IOException;
  }

  private final OnDelivery onDelivery;

  public Deliveries(Channel channel) {
    this(channel, (ch, d) -> {});
  }

  public Deliveries(Channel channel, OnDelivery onDelivery) {
    super(channel);
    this.onDelivery = onDelivery;
  }

  @Override
  public void handleConsumeOk(String consumerTag) {
    super.handleConsumeOk(consumerTag);
    consumeOk.complete(consumerTag);
  }

  @Override
  public void handleCancelOk(String consumerTag) {
    cancelOk.complete(consumerTag);
  }

  @Override
  public void handleCancel(String consumerTag) {
    brokerCancel.complete(consumerTag);
  }

  @Override
  public void handleDelivery(
      String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
      throws IOException {
    Received r = new Received(consumerTag, envelope, properties, body);
    received.add(r);
    onDelivery.accept(getChannel(), r);
  }

  /** The next delivery, waiting up to {@link #WAIT_MILLIS}. */
  public Received next() {
    try {
      Received r = received.poll(WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (r == null) {
        fail("no delivery within " + WAIT_MILLIS + " ms");
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next {@code n} deliveries in arrival order. */
  public List<Received> next(int n) {
    List<Received> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(next());
    }
    return out;
  }

  /** The next {@code n} bodies as text, in arrival order. */
  public List<String> nextTexts(int n) {
    return next(n).stream().map(Received::text).toList();
  }

  /** Asserts nothing (more) is delivered within {@code millis}. */
  public void expectNone(long millis) {
    try {
      Received r = received.poll(millis, TimeUnit.MILLISECONDS);
      assertThat(r).as("unexpected delivery").isNull();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The consumer tag from basic.consume-ok. */
  public String awaitConsumeOk() {
    return await(consumeOk, "basic.consume-ok");
  }

  /** The consumer tag from basic.cancel-ok (a cancel the client asked for). */
  public String awaitCancelOk() {
    return await(cancelOk, "basic.cancel-ok");
  }

  /** The consumer tag of a basic.cancel the broker sent (e.g. because the queue was deleted). */
  public String awaitBrokerCancel() {
    return await(brokerCancel, "basic.cancel from the broker");
  }

  private static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return fail("no " + what + " within " + WAIT_MILLIS + " ms");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
