package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.BrokerConfig;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, vhosts and permissions are durable, and the default user is only created on first start. */
class DefinitionsRestartTest {

  @TempDir
  Path dataDir;

  private BrokerConfig config() {
    return BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir);
  }

  private static Connection connect(EmbeddedBroker broker, String user, String password, String vhost)
      throws Exception {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(broker.port());
    cf.setUsername(user);
    cf.setPassword(password);
    cf.setVirtualHost(vhost);
    cf.setAutomaticRecoveryEnabled(false);
    return cf.newConnection();
  }

  @Test
  void shouldKeepUsersVhostsAndPermissionsAcrossARestart() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(config())) {
      BrokerDefinitions defs = broker.broker().definitions();
      defs.putUser(new User("alice", PasswordHash.of("s3cret"), Set.of("monitoring")));
      // a hash imported from RabbitMQ keeps its algorithm across the restart
      defs.putUser(new User("bob", PasswordHash.of(PasswordHash.Algorithm.SHA512, "b0b"), Set.of()));
      defs.setPermissions("bob", "/", Permissions.FULL);
      defs.addVhost("shop", new BrokerDefinitions.VhostMetadata("the shop", List.of("prod")));
      defs.setPermissions("alice", "shop", Permissions.of("^alice-.*", ".*", ".*"));
    }
    try (EmbeddedBroker broker = EmbeddedBroker.start(config());
        Connection c = connect(broker, "alice", "s3cret", "shop")) {
      assertThat(c.isOpen()).isTrue();
      assertThat(broker.broker().definitions().vhostMetadata("shop").description()).isEqualTo("the shop");
      assertThat(broker.broker().users().find("bob").orElseThrow().passwordHash().algorithm())
          .isEqualTo(PasswordHash.Algorithm.SHA512);
      try (Connection bob = connect(broker, "bob", "b0b", "/")) {
        assertThat(bob.isOpen()).isTrue();
      }
    }
  }

  @Test
  void shouldNotRecreateTheDefaultUserOnceItWasDeleted() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.start(config())) {
      BrokerDefinitions defs = broker.broker().definitions();
      defs.putUser(new User("admin", PasswordHash.of("pw"), Set.of("administrator")));
      defs.setPermissions("admin", "/", Permissions.FULL);
      defs.deleteUser("guest");
    }
    try (EmbeddedBroker broker = EmbeddedBroker.start(config())) {
      assertThatThrownBy(() -> connect(broker, "guest", "guest", "/"))
          .isInstanceOf(AuthenticationFailureException.class);
      try (Connection c = connect(broker, "admin", "pw", "/")) {
        assertThat(c.isOpen()).isTrue();
      }
    }
  }
}
