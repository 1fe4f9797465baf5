package io.warren.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownNotifier;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Assertions on what the broker says when a client breaks a rule, and small round trips that
 * prove a connection still works afterwards.
 *
 * <p>An action may be a synchronous method (the client's RPC then fails with an IOException
 * carrying the shutdown signal) or an asynchronous one such as basic.publish, whose error only
 * arrives later as a channel.close; both are handled by waiting for the shutdown signal of the
 * channel or connection rather than relying on the exception.
 */
public final class AmqpAssertions {

  /** How long to wait for the broker to close something or deliver something. */
  public static final long TIMEOUT_MILLIS = 5_000;

  /** Something a test does that should make the broker close a channel or connection. */
  @FunctionalInterface
  public interface AmqpAction {
    void run() throws Exception;
  }

  private AmqpAssertions() {}

  /**
   * Runs {@code action}, expects the broker to close {@code channel} with a channel.close of
   * {@code code} and exactly {@code text}, and checks that the connection stays open.
   */
  public static AMQP.Channel.Close assertChannelError(
      Channel channel, int code, String text, AmqpAction action) {
    ShutdownSignalException signal = shutdownAfter(channel, action);
    assertThat(signal.isHardError()).as("connection error instead of channel error: %s", signal)
        .isFalse();
    assertThat(signal.isInitiatedByApplication()).as("closed by the client: %s", signal).isFalse();
    AMQP.Channel.Close close = (AMQP.Channel.Close) signal.getReason();
    assertThat(close.getReplyCode()).as("reply code").isEqualTo(code);
    assertThat(close.getReplyText()).as("reply text").isEqualTo(text);
    assertThat(channel.getConnection().isOpen()).as("connection still open").isTrue();
    return close;
  }

  /**
   * Runs {@code action} (usually on a channel of {@code connection}) and expects the broker to
   * close the whole connection with {@code code} and exactly {@code text}.
   */
  public static AMQP.Connection.Close assertConnectionError(
      Connection connection, int code, String text, AmqpAction action) {
    ShutdownSignalException signal = shutdownAfter(connection, action);
    assertThat(signal.isHardError()).as("channel error instead of connection error: %s", signal)
        .isTrue();
    assertThat(signal.isInitiatedByApplication()).as("closed by the client: %s", signal).isFalse();
    Method reason = signal.getReason();
    assertThat(reason).isInstanceOf(AMQP.Connection.Close.class);
    AMQP.Connection.Close close = (AMQP.Connection.Close) reason;
    assertThat(close.getReplyCode()).as("reply code").isEqualTo(code);
    assertThat(close.getReplyText()).as("reply text").isEqualTo(text);
    return close;
  }

  /** Waits for {@code notifier} (a channel or connection) to shut down and returns the signal. */
  public static ShutdownSignalException awaitShutdown(ShutdownNotifier notifier) {
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    // a listener added after the shutdown is called at once, so there is no race here
    notifier.addShutdownListener(closed::complete);
    try {
      return closed.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("not closed within " + TIMEOUT_MILLIS + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    }
  }

  private static ShutdownSignalException shutdownAfter(ShutdownNotifier notifier, AmqpAction action) {
    try {
      action.run();
    } catch (Exception e) {
      // a synchronous method fails as soon as the broker closes, with the shutdown signal as
      // the exception or its cause; the reason is read from the notifier below either way
      if (!causedByShutdown(e)) {
        throw new AssertionError("action failed before the broker answered", e);
      }
    }
    return awaitShutdown(notifier);
  }

  private static boolean causedByShutdown(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof ShutdownSignalException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Proves {@code connection} still works: declares a server-named exclusive queue on a new
   * channel, publishes to it through the default exchange and gets the message back.
   */
  public static void assertRoundTrip(Connection connection) throws Exception {
    assertThat(connection.isOpen()).as("connection open").isTrue();
    Channel ch = connection.createChannel();
    try {
      assertRoundTrip(ch);
    } finally {
      ch.close();
    }
  }

  /** Like {@link #assertRoundTrip(Connection)} on an already open channel. */
  public static void assertRoundTrip(Channel ch) throws Exception {
    String queue = ch.queueDeclare("", false, true, true, null).getQueue();
    byte[] body = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    ch.basicPublish("", queue, null, body);
    GetResponse got = getWithin(ch, queue);
    assertThat(got).as("message back from %s", queue).isNotNull();
    assertThat(got.getBody()).isEqualTo(body);
    ch.queueDelete(queue);
  }

  /**
   * basic.get with auto-ack, retried for a short while: a publish is asynchronous, so a get
   * right after it may legitimately find the queue still empty on some brokers.
   */
  public static GetResponse getWithin(Channel ch, String queue) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
    while (true) {
      GetResponse r = ch.basicGet(queue, true);
      if (r != null || System.nanoTime() > deadline) {
        return r;
      }
      Thread.sleep(10);
    }
  }

  /**
   * Drains {@code queue} with basic.get (auto-ack) and returns the bodies as strings. Callers
   * make sure every publish was routed first (publisher confirms), so an empty get means empty.
   */
  public static List<String> drain(Channel ch, String queue) throws IOException {
    List<String> bodies = new ArrayList<>();
    GetResponse r;
    while ((r = ch.basicGet(queue, true)) != null) {
      bodies.add(new String(r.getBody(), StandardCharsets.UTF_8));
    }
    return bodies;
  }
}
