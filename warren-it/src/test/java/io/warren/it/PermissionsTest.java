package io.warren.it;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static io.warren.it.support.AmqpAssertions.assertConnectionError;
import static io.warren.it.support.AmqpAssertions.assertRoundTrip;
import static io.warren.it.support.AmqpAssertions.awaitShutdown;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.ShutdownSignalException;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.it.support.BrokerTestSupport;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Per-vhost permissions enforced on every AMQP operation, with RabbitMQ 3.10's texts (observed
 * on the reference node with a user holding configure "^cfg-", write "^wr-", read "^rd-").
 * Users are made through the broker's definitions, so these run against Warren only.
 */
@Tag("access-control")
class PermissionsTest extends BrokerTestSupport {

  private static final String USER = "perm-user";
  private static final String NOBODY = "perm-nobody";

  @BeforeAll
  static void users() throws Exception {
    assumeFalse(external(), "users are created through Warren's definitions");
    BrokerDefinitions d = broker.broker().definitions();
    d.putUser(new User(USER, PasswordHash.of("pw"), Set.of()));
    d.setPermissions(USER, "/", Permissions.of("^cfg-", "^wr-", "^rd-"));
    d.putUser(new User(NOBODY, PasswordHash.of("pw"), Set.of("administrator")));
    try (Connection c = connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      for (String q : new String[] {"rd-q", "wr-q", "cfg-q"}) {
        ch.queueDeclare(q, false, false, false, null);
      }
      for (String x : new String[] {"rd-x", "wr-x", "cfg-x"}) {
        ch.exchangeDeclare(x, "direct");
      }
    }
  }

  private Connection user;
  private Channel ch;

  @BeforeEach
  void open() throws Exception {
    user = connectAs(USER, "/");
    ch = user.createChannel();
  }

  private Connection connectAs(String name, String vhost) throws Exception {
    ConnectionFactory cf = connectionFactory();
    cf.setUsername(name);
    cf.setPassword("pw");
    cf.setVirtualHost(vhost);
    return connect(cf);
  }

  private static String refused(String kind, String name) {
    return "ACCESS_REFUSED - access to " + kind + " '" + name + "' in vhost '/' refused for user '" + USER + "'";
  }

  // ---- connection.open ----

  @Test
  void shouldRefuseVhostWithoutPermissionsWith530EvenForAnAdministrator() {
    Throwable thrown = catchThrowable(() -> connectAs(NOBODY, "/"));
    ShutdownSignalException signal = shutdownSignalIn(thrown);
    AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
    assertThat(close.getReplyCode()).isEqualTo(530);
    assertThat(close.getReplyText()).isEqualTo("NOT_ALLOWED - access to vhost '/' refused for user '" + NOBODY + "'");
    assertThat(close.getClassId()).isEqualTo(10);
    assertThat(close.getMethodId()).isEqualTo(40);
  }

  @Test
  void shouldLetUserWithoutTagsWorkInAVhostItHasFullPermissionsIn() throws Exception {
    BrokerDefinitions d = broker.broker().definitions();
    String vhost = uniqueName("perm-vhost");
    d.addVhost(vhost, BrokerDefinitions.VhostMetadata.NONE);
    d.setPermissions(USER, vhost, Permissions.FULL);
    try {
      assertRoundTrip(connectAs(USER, vhost));
    } finally {
      d.deleteVhost(vhost);
    }
  }

  // ---- configure ----

  @Test
  void shouldRefuseDeclaringQueueWithoutConfigure() throws Exception {
    assertChannelError(ch, 403, refused("queue", "other-q"), () -> ch.queueDeclare("other-q", false, false, false, null));
  }

  @Test
  void shouldCheckConfigureOnTheServerChosenName() throws Exception {
    AMQP.Channel.Close close = assertChannelErrorMatching(ch, () -> ch.queueDeclare());
    assertThat(close.getReplyText()).matches(
        "ACCESS_REFUSED - access to queue 'amq\\.gen-[A-Za-z0-9_-]{22}' in vhost '/' refused for user '" + USER + "'");
  }

  @Test
  void shouldAllowDeclaringWithConfigureAndPassiveDeclareWithout() throws Exception {
    ch.queueDeclare("cfg-q", false, false, false, null);
    ch.exchangeDeclare("cfg-x", "direct");
    ch.queueDeclarePassive("rd-q");
    ch.exchangeDeclarePassive("rd-x");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldNeedReadOnQueueAndWriteOnDeadLetterExchangeForNewQueue() throws Exception {
    assertChannelError(ch, 403, refused("queue", "cfg-q2"),
        () -> ch.queueDeclare("cfg-q2", false, false, false, Map.of("x-dead-letter-exchange", "wr-x")));
  }

  @Test
  void shouldRefuseDeclaringExchangeWithoutConfigure() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "other-x"), () -> ch.exchangeDeclare("other-x", "direct"));
  }

  @Test
  void shouldReportUnknownTypeAndDefaultExchangeBeforePermissions() throws Exception {
    assertChannelError(ch, 403, "ACCESS_REFUSED - operation not permitted on the default exchange",
        () -> ch.exchangeDeclare("", "direct"));
    assertConnectionError(user, 503, "COMMAND_INVALID - unknown exchange type 'bogus'",
        () -> user.createChannel().exchangeDeclare("other-x", "bogus"));
  }

  @Test
  void shouldNeedReadOnExchangeAndWriteOnAlternateForNewExchange() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "cfg-x2"),
        () -> ch.exchangeDeclare("cfg-x2", "direct", false, false, Map.of("alternate-exchange", "wr-x")));
  }

  @Test
  void shouldRefuseDeletingWithoutConfigureEvenWhatDoesNotExist() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "rd-x"), () -> ch.exchangeDelete("rd-x"));
    Channel ch2 = user.createChannel();
    assertChannelError(ch2, 403, refused("exchange", "zz-x"), () -> ch2.exchangeDelete("zz-x"));
    Channel ch3 = user.createChannel();
    assertChannelError(ch3, 403, refused("queue", "rd-q"), () -> ch3.queueDelete("rd-q"));
  }

  // ---- write ----

  @Test
  void shouldRefusePublishingWithoutWriteOnTheExchange() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "rd-x"), () -> ch.basicPublish("rd-x", "k", null, new byte[0]));
  }

  @Test
  void shouldNameTheDefaultExchangeAmqDefault() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "amq.default"), () -> ch.basicPublish("", "k", null, new byte[0]));
  }

  @Test
  void shouldCheckWriteBeforeTheExchangeExists() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "zz"), () -> ch.basicPublish("zz", "k", null, new byte[0]));
  }

  @Test
  void shouldPublishWithWrite() throws Exception {
    ch.confirmSelect();
    ch.basicPublish("wr-x", "k", null, new byte[0]);
    assertThat(ch.waitForConfirms(5000)).isTrue();
  }

  @Test
  void shouldNeedWriteOnTheQueueToBindIt() throws Exception {
    assertChannelError(ch, 403, refused("queue", "rd-q"), () -> ch.queueBind("rd-q", "rd-x", "k"));
    Channel ch2 = user.createChannel();
    assertChannelError(ch2, 403, refused("queue", "rd-q"), () -> ch2.queueUnbind("rd-q", "rd-x", "k"));
  }

  @Test
  void shouldNeedWriteOnTheDestinationExchangeToBindIt() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "rd-x"), () -> ch.exchangeBind("rd-x", "rd-x", "k"));
  }

  // ---- read ----

  @Test
  void shouldNeedReadOnTheSourceExchangeToBind() throws Exception {
    assertChannelError(ch, 403, refused("exchange", "wr-x"), () -> ch.queueBind("wr-q", "wr-x", "k"));
    Channel ch2 = user.createChannel();
    assertChannelError(ch2, 403, refused("exchange", "wr-x"), () -> ch2.exchangeBind("wr-x", "wr-x", "k"));
    Channel ch3 = user.createChannel();
    assertChannelError(ch3, 403, refused("exchange", "wr-x"), () -> ch3.queueUnbind("wr-q", "wr-x", "k"));
  }

  @Test
  void shouldReportTheDefaultExchangeBeforeReadOnIt() throws Exception {
    assertChannelError(ch, 403, "ACCESS_REFUSED - operation not permitted on the default exchange",
        () -> ch.queueBind("wr-q", "", "k"));
  }

  @Test
  void shouldBindWithWriteOnQueueAndReadOnExchange() throws Exception {
    ch.queueBind("wr-q", "rd-x", "k");
    ch.queueUnbind("wr-q", "rd-x", "k");
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldRefuseGetConsumeAndPurgeWithoutRead() throws Exception {
    assertChannelError(ch, 403, refused("queue", "wr-q"), () -> ch.basicGet("wr-q", true));
    Channel ch2 = user.createChannel();
    assertChannelError(ch2, 403, refused("queue", "wr-q"), () -> ch2.basicConsume("wr-q", new DefaultConsumer(ch2)));
    Channel ch3 = user.createChannel();
    assertChannelError(ch3, 403, refused("queue", "wr-q"), () -> ch3.queuePurge("wr-q"));
    Channel ch4 = user.createChannel();
    assertChannelError(ch4, 403, refused("queue", "zz-q"), () -> ch4.basicGet("zz-q", true));
  }

  @Test
  void shouldGetConsumeAndPurgeWithRead() throws Exception {
    ch.basicGet("rd-q", true);
    ch.basicCancel(ch.basicConsume("rd-q", new DefaultConsumer(ch)));
    ch.queuePurge("rd-q");
    assertThat(ch.isOpen()).isTrue();
  }

  // ---- changes while connected ----

  @Test
  void shouldApplyChangedPermissionsToOpenConnections() throws Exception {
    BrokerDefinitions d = broker.broker().definitions();
    ch.basicGet("rd-q", true);
    d.setPermissions(USER, "/", Permissions.of("^cfg-", "^wr-", "^nothing"));
    try {
      assertChannelError(ch, 403, refused("queue", "rd-q"), () -> ch.basicGet("rd-q", true));
    } finally {
      d.setPermissions(USER, "/", Permissions.of("^cfg-", "^wr-", "^rd-"));
    }
  }

  @Test
  void shouldCloseConnectionsOfADeletedVhostWith320() throws Exception {
    BrokerDefinitions d = broker.broker().definitions();
    String vhost = uniqueName("doomed");
    d.addVhost(vhost, BrokerDefinitions.VhostMetadata.NONE);
    d.setPermissions(USER, vhost, Permissions.FULL);
    Connection c = connectAs(USER, vhost);
    c.createChannel().queueDeclare("q-in-doomed", true, false, false, null);
    d.deleteVhost(vhost);
    ShutdownSignalException signal = awaitShutdown(c);
    AMQP.Connection.Close close = (AMQP.Connection.Close) signal.getReason();
    assertThat(close.getReplyCode()).isEqualTo(320);
    assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - vhost '" + vhost + "' is deleted");
    assertThat(broker.broker().vhosts().get(vhost)).isNull();
    assertThat(broker.broker().permissions().find(USER, vhost)).isNull();
  }

  @Test
  void shouldCloseConnectionsOfADeletedUserWith320() throws Exception {
    BrokerDefinitions d = broker.broker().definitions();
    String name = uniqueName("doomed-user");
    d.putUser(new User(name, PasswordHash.of("pw"), Set.of()));
    d.setPermissions(name, "/", Permissions.FULL);
    Connection c = connectAs(name, "/");
    d.deleteUser(name);
    AMQP.Connection.Close close = (AMQP.Connection.Close) awaitShutdown(c).getReason();
    assertThat(close.getReplyCode()).isEqualTo(320);
    assertThat(close.getReplyText()).isEqualTo("CONNECTION_FORCED - user '" + name + "' is deleted");
  }

  // ----

  private static AMQP.Channel.Close assertChannelErrorMatching(Channel channel,
      io.warren.it.support.AmqpAssertions.AmqpAction action) {
    try {
      action.run();
    } catch (Exception expected) {
      // the reason is read from the shutdown signal
    }
    ShutdownSignalException signal = awaitShutdown(channel);
    assertThat(signal.isHardError()).isFalse();
    AMQP.Channel.Close close = (AMQP.Channel.Close) signal.getReason();
    assertThat(close.getReplyCode()).isEqualTo(403);
    return close;
  }

  private static ShutdownSignalException shutdownSignalIn(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof ShutdownSignalException s) {
        return s;
      }
    }
    throw new AssertionError("no shutdown signal in " + thrown, thrown);
  }
}
