package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.drain;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultSaslConfig;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.it.support.AmqPlainMechanism;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.RawAmqpClient;
import io.warren.it.support.RawAmqpClient.Args;
import io.warren.it.support.RawAmqpClient.CloseReason;
import io.warren.it.support.RawAmqpClient.Frame;
import io.warren.it.support.RawAmqpClient.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The connection class: protocol negotiation, login, tuning, vhost check, channel limits and
 * closing, as RabbitMQ's own Java client (and, where the client hides things, raw frames) sees
 * them.
 */
@Tag("spec-connection")
class ConnectionHandshakeTest extends BrokerTestSupport {

  /** The capabilities RabbitMQ clients look for before using an extension. */
  private static final List<String> CAPABILITIES = List.of(
      "publisher_confirms", "exchange_exchange_bindings", "basic.nack", "consumer_cancel_notify",
      "connection.blocked", "authentication_failure_close", "per_consumer_qos", "direct_reply_to");

  private static final Map<String, Object> AUTH_FAILURE_CLOSE =
      Map.of("capabilities", Map.of("authentication_failure_close", true));

  @Test
  void shouldAdvertiseRabbitMqCapabilities() {
    Map<String, Object> props = connect().getServerProperties();
    assertThat(props.get("capabilities")).isInstanceOf(Map.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> capabilities = (Map<String, Object>) props.get("capabilities");
    for (String capability : CAPABILITIES) {
      assertThat(capabilities.get(capability)).as(capability).isEqualTo(Boolean.TRUE);
    }
  }

  @Test
  void shouldPresentItselfAsRabbitMq3() {
    Map<String, Object> props = connect().getServerProperties();
    // clients (the Java client's own test suite, kombu's global-qos choice) read these two
    assertThat(String.valueOf(props.get("product"))).isEqualTo("RabbitMQ");
    assertThat(String.valueOf(props.get("version"))).startsWith("3.");
    for (String key : List.of("platform", "copyright", "information")) {
      assertThat(props).as("server property %s", key).containsKey(key);
    }
    if (!external()) {
      assertThat(props.values()).as("some server property names Warren")
          .anySatisfy(v -> assertThat(String.valueOf(v)).contains("Warren"));
    }
  }

  @Test
  void shouldOfferProtocol091WithPlainAndAmqplainAndEnUsLocale() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      raw.send(RawAmqpClient.PROTOCOL_HEADER);
      Method start = raw.expectMethod(0, 10, 10);
      assertThat(start.octet()).as("version-major").isEqualTo(0);
      assertThat(start.octet()).as("version-minor").isEqualTo(9);
      start.skipTable();
      assertThat(start.longstr().split(" ")).containsExactlyInAnyOrder("PLAIN", "AMQPLAIN");
      assertThat(start.longstr()).isEqualTo("en_US");
    }
  }

  @Test
  void shouldLogInWithPlain() throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setSaslConfig(DefaultSaslConfig.PLAIN);
    assertRoundTrip(connect(cf));
  }

  @Test
  void shouldLogInWithAmqplain() throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setSaslConfig(AmqPlainMechanism.CONFIG);
    assertRoundTrip(connect(cf));
  }

  @Test
  void shouldRefuseWrongPasswordWith403() {
    ConnectionFactory cf = connectionFactory();
    cf.setPassword("not-the-password");
    assertThatThrownBy(() -> connect(cf))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessage("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. "
            + "For details see the broker logfile.");
  }

  @Test
  void shouldRefuseUnknownUserWithTheSameTextAsWrongPassword() {
    ConnectionFactory cf = connectionFactory();
    cf.setUsername(uniqueName("nobody"));
    assertThatThrownBy(() -> connect(cf))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessage("ACCESS_REFUSED - Login was refused using authentication mechanism PLAIN. "
            + "For details see the broker logfile.");
  }

  @Test
  void shouldNameAmqplainWhenItsLoginIsRefused() {
    ConnectionFactory cf = connectionFactory();
    cf.setSaslConfig(AmqPlainMechanism.CONFIG);
    cf.setPassword("not-the-password");
    assertThatThrownBy(() -> connect(cf))
        .isInstanceOf(AuthenticationFailureException.class)
        .hasMessage("ACCESS_REFUSED - Login was refused using authentication mechanism AMQPLAIN. "
            + "For details see the broker logfile.");
  }

  @Test
  void shouldSendLoginRefusalAsConnectionCloseOnlyToClientsWithTheCapability() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, AUTH_FAILURE_CLOSE, "PLAIN", "\0guest\0wrong");
      CloseReason reason = raw.expectConnectionClose();
      assertThat(reason.replyCode()).isEqualTo(403);
      assertThat(reason.replyText()).isEqualTo("ACCESS_REFUSED - Login was refused using "
          + "authentication mechanism PLAIN. For details see the broker logfile.");
    }
    // without authentication_failure_close the spec's rule applies: just close the socket
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, Map.of(), "PLAIN", "\0guest\0wrong");
      assertThat(raw.readFrame()).as("no frame, socket closed").isNull();
    }
  }

  @Test
  void shouldCloseSocketOnUnknownMechanism() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, AUTH_FAILURE_CLOSE, "NOT-A-MECHANISM", "\0guest\0guest");
      assertThat(raw.readFrame()).as("no frame, socket closed").isNull();
    }
  }

  @Test
  void shouldCloseSocketOnAFrameOverTheMinimumFrameMaxBeforeTuning() throws Exception {
    // until tune-ok settles frame-max, frames may be 4096 bytes at most (the spec's minimum)
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, Map.of("too_long", "x".repeat(4096)), "PLAIN", "\0guest\0guest");
      assertThat(raw.readFrame()).as("no frame, socket closed").isNull();
    }
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, Map.of("padding", "x".repeat(3900)), "PLAIN", "\0guest\0guest");
      raw.expectMethod(0, 10, 30); // connection.tune: just under the limit is fine
    }
  }

  @Test
  void shouldRefuseUnknownVhostWith530() {
    String vhost = uniqueName("no-such-vhost");
    ConnectionFactory cf = connectionFactory();
    cf.setVirtualHost(vhost);
    Throwable thrown = catchThrowable(() -> connect(cf));
    ShutdownSignalException signal = shutdownSignalIn(thrown);
    assertThat(signal.isHardError()).isTrue();
    AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
    assertThat(close.getReplyCode()).isEqualTo(530);
    assertThat(close.getReplyText()).isEqualTo("NOT_ALLOWED - vhost " + vhost + " not found");
    assertThat(close.getClassId()).isEqualTo(10);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  /**
   * The broker proposes channel-max 2047, frame-max 131072 and heartbeat 60; the Java client
   * takes the lower of each pair, except that 0 on either side means "no limit" and the other
   * side's value wins.
   */
  @ParameterizedTest(name = "requested {0}/{1}/{2} -> {3}/{4}/{5}")
  @CsvSource({
      "0, 0, 0, 2047, 131072, 60",
      "10, 4096, 5, 10, 4096, 5",
      "5000, 1048576, 600, 2047, 131072, 60",
      "2047, 131072, 60, 2047, 131072, 60",
      "1, 8192, 1, 1, 8192, 1",
  })
  void shouldNegotiateTuningAsRabbitMqDoes(int channelMax, int frameMax, int heartbeat,
      int expectedChannelMax, int expectedFrameMax, int expectedHeartbeat) throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setRequestedChannelMax(channelMax);
    cf.setRequestedFrameMax(frameMax);
    cf.setRequestedHeartbeat(heartbeat);
    Connection c = connect(cf);
    assertThat(c.getChannelMax()).as("channel-max").isEqualTo(expectedChannelMax);
    assertThat(c.getFrameMax()).as("frame-max").isEqualTo(expectedFrameMax);
    assertThat(c.getHeartbeat()).as("heartbeat").isEqualTo(expectedHeartbeat);
    assertRoundTrip(c);
  }

  @Test
  void shouldProposeRabbitMqTuningInConnectionTune() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, Map.of(), "PLAIN", "\0guest\0guest");
      Method tune = raw.expectMethod(0, 10, 30);
      assertThat(tune.args().getShort() & 0xFFFF).as("channel-max").isEqualTo(2047);
      assertThat(tune.args().getInt()).as("frame-max").isEqualTo(131072);
      assertThat(tune.args().getShort() & 0xFFFF).as("heartbeat").isEqualTo(60);
    }
  }

  /**
   * A tune-ok outside the broker's limits (frame-max below 4096 or above the proposal, zero
   * meaning "unlimited" where the broker has a limit, channel-max above the proposal) fails the
   * negotiation; before connection.open the broker just closes the socket.
   */
  @ParameterizedTest(name = "tune-ok {0}/{1}")
  @CsvSource({
      "2047, 4095",
      "2047, 131073",
      "2047, 0",
      "0, 131072",
      "2048, 131072",
  })
  void shouldCloseSocketWhenTuneOkIsOutsideTheProposal(int channelMax, int frameMax)
      throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, AUTH_FAILURE_CLOSE, "PLAIN", "\0guest\0guest");
      raw.expectMethod(0, 10, 30);
      raw.sendMethod(0, 10, 31, new Args().shortUint(channelMax).longUint(frameMax).shortUint(0));
      raw.sendMethod(0, 10, 40, new Args().shortstr("/").shortstr("").bits(false));
      assertThat(raw.readFrame()).as("no frame, socket closed").isNull();
    }
  }

  @Test
  void shouldAcceptTuneOkAtTheLimits() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.connect(amqpUri())) {
      startOk(raw, Map.of(), "PLAIN", "\0guest\0guest");
      raw.expectMethod(0, 10, 30);
      raw.sendMethod(0, 10, 31, new Args().shortUint(1).longUint(4096).shortUint(0));
      raw.sendMethod(0, 10, 40, new Args().shortstr("/").shortstr("").bits(false));
      raw.expectMethod(0, 10, 41);
      raw.openChannel(1);
    }
  }

  @Test
  void shouldLetTheClientStopAtTheNegotiatedChannelMax() throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setRequestedChannelMax(3);
    Connection c = connect(cf);
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      channels.add(c.createChannel());
    }
    // the client itself refuses a fourth channel; the broker's own check is tested with raw frames
    assertThat(c.createChannel()).isNull();
    channels.get(1).close();
    assertRoundTrip(c);
  }

  @Test
  void shouldCloseConnectionWith530WhenMoreChannelsThanChannelMaxAreOpen() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri(), 3)) {
      raw.openChannel(1);
      raw.openChannel(2);
      raw.openChannel(3);
      raw.sendMethod(4, 20, 10, new Args().shortstr(""));
      CloseReason reason = raw.expectConnectionClose();
      assertThat(reason.replyCode()).isEqualTo(530);
      assertThat(reason.replyText()).isEqualTo(
          "NOT_ALLOWED - number of channels opened (3) has reached the negotiated channel_max (3)");
      assertThat(reason.classId()).isZero();
      assertThat(reason.methodId()).isZero();
    }
  }

  @Test
  void shouldCountOpenChannelsNotChannelNumbersAgainstChannelMax() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri(), 3)) {
      raw.openChannel(1);
      raw.openChannel(2);
      raw.openChannel(3);
      raw.sendMethod(2, 20, 40, new Args().shortUint(200).shortstr("bye").shortUint(0).shortUint(0));
      raw.expectMethod(2, 20, 41);
      // RabbitMQ checks how many channels are open, not the number a new one uses
      raw.openChannel(7);
    }
  }

  @Test
  void shouldServeManyChannelsOnOneConnection() throws Exception {
    Connection c = connect();
    Channel control = c.createChannel();
    String queue = control.queueDeclare("", false, true, true, null).getQueue();
    control.confirmSelect();
    List<Channel> channels = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      Channel ch = c.createChannel();
      ch.confirmSelect();
      channels.add(ch);
    }
    for (int i = 0; i < channels.size(); i++) {
      Channel ch = channels.get(i);
      ch.basicPublish("", queue, null, String.valueOf(i).getBytes(StandardCharsets.UTF_8));
    }
    for (Channel ch : channels) {
      ch.waitForConfirmsOrDie(5_000);
    }
    List<String> got = drain(control, queue);
    assertThat(got).hasSize(200);
    assertThat(channels.get(199).getChannelNumber()).isEqualTo(201);
    for (Channel ch : channels) {
      ch.close();
    }
    assertRoundTrip(c);
  }

  @Test
  void shouldCloseCleanlyWhenTheClientCloses() throws Exception {
    Connection c = connect();
    c.close();
    assertThat(c.isOpen()).isFalse();
    ShutdownSignalException reason = c.getCloseReason();
    assertThat(reason.isInitiatedByApplication()).isTrue();
    assertThat(((AMQP.Connection.Close) reason.getReason()).getReplyCode()).isEqualTo(200);
  }

  @Test
  void shouldAnswerClientConnectionCloseWithCloseOk() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(0, 10, 50, new Args().shortUint(200).shortstr("bye").shortUint(0).shortUint(0));
      raw.expectMethod(0, 10, 51);
    }
  }

  @Test
  void shouldCloseSocketAfterClientAnswersBrokerClose() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      // a channel method on channel 0 is a connection error, so the broker closes
      raw.sendMethod(0, 50, 10, new Args().shortUint(0).shortstr("q").bits(true).emptyTable());
      CloseReason reason = raw.expectConnectionClose();
      assertThat(reason.replyCode()).isEqualTo(504);
      assertThat(raw.isClosedByBroker()).as("socket closed after close-ok").isTrue();
    }
  }

  @Test
  void shouldSendHeartbeatsAtTheNegotiatedInterval() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri(), -1, 1)) {
      long start = System.nanoTime();
      Frame f = raw.readFrameOrHeartbeat();
      assertThat(System.nanoTime() - start).as("nanos until the first heartbeat")
          .isLessThan(2_500_000_000L);
      assertThat(f).isNotNull();
      assertThat(f.type()).isEqualTo(RawAmqpClient.FRAME_HEARTBEAT);
      assertThat(f.channel()).isZero();
      assertThat(f.payload()).isEmpty();
    }
  }

  @Test
  void shouldDropAPeerThatSendsNoHeartbeats() throws Exception {
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri(), -1, 1)) {
      long deadline = System.nanoTime() + 10_000_000_000L;
      Frame f;
      List<Integer> types = new ArrayList<>();
      // only heartbeats may come before the broker gives up on us (after about two intervals)
      while ((f = raw.readFrameOrHeartbeat()) != null && System.nanoTime() < deadline) {
        types.add(f.type());
      }
      assertThat(f).as("socket closed within 10 s").isNull();
      assertThat(types).containsOnly(RawAmqpClient.FRAME_HEARTBEAT);
    }
  }

  /** Sends the protocol header and, once connection.start has arrived, a start-ok. */
  private static void startOk(RawAmqpClient raw, Map<String, ?> clientProperties,
      String mechanism, String response) throws Exception {
    raw.send(RawAmqpClient.PROTOCOL_HEADER);
    raw.expectMethod(0, 10, 10);
    raw.sendMethod(0, 10, 11, new Args()
        .table(clientProperties)
        .shortstr(mechanism)
        .longstr(response.getBytes(StandardCharsets.UTF_8))
        .shortstr("en_US"));
  }

  private static ShutdownSignalException shutdownSignalIn(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause()) {
      if (x instanceof ShutdownSignalException s) {
        return s;
      }
    }
    throw new AssertionError("no shutdown signal in " + t, t);
  }
}
