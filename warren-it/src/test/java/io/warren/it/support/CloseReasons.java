package io.warren.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Method;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Assertions on the channel.close or connection.close a broker sends when a client breaks a rule.
 *
 * <p>The action may be synchronous (the client's RPC then fails with an IOException) or
 * asynchronous (basic.ack, basic.publish: the close arrives later); either way the assertion
 * waits for the channel's shutdown signal and checks the method the broker sent.
 */
public final class CloseReasons {

  /** Something a test does to a channel that should make the broker close it. */
  @FunctionalInterface
  public interface ChannelAction {
    void run() throws Exception;
  }

  private CloseReasons() {}

  /**
   * Runs {@code action}, expects the broker to close {@code channel} (only) with {@code code} and
   * exactly {@code text}, and checks the connection stays open.
   */
  public static AMQP.Channel.Close assertChannelError(
      Channel channel, int code, String text, ChannelAction action) {
    ShutdownSignalException sig = shutdownAfter(channel, action);
    assertThat(sig.isHardError())
        .as("connection error instead of channel error: %s", sig)
        .isFalse();
    assertThat(sig.isInitiatedByApplication()).as("broker did not close: %s", sig).isFalse();
    AMQP.Channel.Close close = (AMQP.Channel.Close) sig.getReason();
    assertThat(close.getReplyCode()).as("reply code").isEqualTo(code);
    assertThat(close.getReplyText()).as("reply text").isEqualTo(text);
    assertThat(channel.getConnection().isOpen()).as("connection still open").isTrue();
    return close;
  }

  /**
   * Runs {@code action} and expects the broker to close the whole connection of {@code channel}
   * with {@code code} and exactly {@code text}.
   */
  public static AMQP.Connection.Close assertConnectionError(
      Channel channel, int code, String text, ChannelAction action) {
    ShutdownSignalException sig = shutdownAfter(channel, action);
    assertThat(sig.isHardError()).as("channel error instead of connection error: %s", sig).isTrue();
    assertThat(sig.isInitiatedByApplication()).as("broker did not close: %s", sig).isFalse();
    Method reason = sig.getReason();
    assertThat(reason).isInstanceOf(AMQP.Connection.Close.class);
    AMQP.Connection.Close close = (AMQP.Connection.Close) reason;
    assertThat(close.getReplyCode()).as("reply code").isEqualTo(code);
    assertThat(close.getReplyText()).as("reply text").isEqualTo(text);
    return close;
  }

  private static ShutdownSignalException shutdownAfter(Channel channel, ChannelAction action) {
    CompletableFuture<ShutdownSignalException> closed = new CompletableFuture<>();
    channel.addShutdownListener(closed::complete);
    try {
      action.run();
    } catch (IOException | ShutdownSignalException expected) {
      // a synchronous method fails as soon as the broker closes the channel; the reason is
      // read from the shutdown signal below either way
    } catch (Exception e) {
      throw new AssertionError("action failed before the broker answered", e);
    }
    try {
      return closed.get(Deliveries.WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return fail("broker did not close the channel within " + Deliveries.WAIT_MILLIS + " ms");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
