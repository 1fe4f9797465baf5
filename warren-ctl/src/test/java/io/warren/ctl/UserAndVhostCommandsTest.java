package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.ConnectionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * add_user, delete_user, change_password, set_user_tags, add_vhost, delete_vhost,
 * set_permissions and clear_permissions: their banners, their effect (proved by logging in over
 * AMQP where it matters) and rabbitmqctl's exit codes for a user or vhost that is not there.
 */
class UserAndVhostCommandsTest {

  private static ManagementApi api;
  private static Ctl ctl;
  private String user;
  private String vhost;

  @BeforeAll
  static void start() {
    api = ManagementApi.start();
    ctl = new Ctl(api);
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @BeforeEach
  void names() {
    user = Ctl.unique("ctl-user");
    vhost = Ctl.unique("ctl-vhost");
  }

  @AfterEach
  void cleanUp() {
    ctl.run("-q", "delete_user", user);
    ctl.run("-q", "delete_vhost", vhost);
  }

  @Test
  void addUserCreatesAUserWithoutTagsAndRemindsOfPermissions() {
    Ctl.Result r = ctl.run("add_user", user, "s3cret");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.lines()).containsExactly("Adding user \"" + user + "\" ...",
        "Done. Don't forget to grant the user permissions to some virtual hosts! "
            + "See 'warrenctl help set_permissions' to learn more.");
    assertThat(ctl.run("-q", "list_users").lines()).contains(user + "\t[]");
  }

  @Test
  void addUserTwiceFailsWith70() {
    ctl.run("add_user", user, "a");

    Ctl.Result r = ctl.run("add_user", user, "b");

    assertThat(r.code()).isEqualTo(70);
    assertThat(r.out()).isEqualTo("Adding user \"" + user + "\" ...\n");
    assertThat(r.err()).isEqualTo("Error:\nUser \"" + user + "\" already exists\n");
  }

  @Test
  void aUserWithPermissionsLogsInOverAmqpUntilDeleted() throws Exception {
    ctl.run("add_user", user, "pw1");
    Ctl.Result grant = ctl.run("set_permissions", user, ".*", ".*", ".*");
    assertThat(grant.out()).isEqualTo(
        "Setting permissions for user \"" + user + "\" in vhost \"/\" ...\n");
    login(user, "pw1");

    Ctl.Result delete = ctl.run("delete_user", user);

    assertThat(delete.code()).isZero();
    assertThat(delete.out()).isEqualTo("Deleting user \"" + user + "\" ...\n");
    assertThatThrownBy(() -> login(user, "pw1")).isInstanceOf(AuthenticationFailureException.class);
  }

  @Test
  void changePasswordReplacesThePasswordAndKeepsTheTags() throws Exception {
    ctl.run("add_user", user, "old");
    ctl.run("set_user_tags", user, "monitoring");
    ctl.run("set_permissions", user, ".*", ".*", ".*");

    Ctl.Result r = ctl.run("change_password", user, "new");

    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("Changing password for user \"" + user + "\" ...\n");
    login(user, "new");
    assertThatThrownBy(() -> login(user, "old")).isInstanceOf(AuthenticationFailureException.class);
    assertThat(ctl.run("-q", "list_users").lines()).contains(user + "\t[monitoring]");
  }

  @Test
  void setUserTagsReplacesTheTagsAndKeepsThePassword() throws Exception {
    ctl.run("add_user", user, "pw");
    ctl.run("set_permissions", user, ".*", ".*", ".*");

    Ctl.Result r = ctl.run("set_user_tags", user, "administrator", "monitoring");

    assertThat(r.out()).isEqualTo(
        "Setting tags for user \"" + user + "\" to [administrator, monitoring] ...\n");
    assertThat(ctl.run("-q", "list_users").lines())
        .contains(user + "\t[administrator, monitoring]");
    login(user, "pw");

    ctl.run("set_user_tags", user);
    assertThat(ctl.run("-q", "list_users").lines()).contains(user + "\t[]");
  }

  @Test
  void commandsOnAUserThatDoesNotExistExit67() {
    for (String[] args : new String[][] {
        {"delete_user", user}, {"change_password", user, "x"}, {"set_user_tags", user, "x"},
        {"set_permissions", user, "a", "b", "c"}, {"clear_permissions", user}}) {
      Ctl.Result r = ctl.run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(67);
      assertThat(r.err()).as(String.join(" ", args)).startsWith("Error:\nUser ")
          .endsWith(" does not exist\n").contains(user);
    }
  }

  @Test
  void addVhostListAndDelete() {
    Ctl.Result add = ctl.run("add_vhost", vhost);
    assertThat(add.code()).isZero();
    assertThat(add.out()).isEqualTo("Adding vhost \"" + vhost + "\" ...\n");
    assertThat(ctl.run("-q", "list_vhosts").lines()).contains(vhost);
    // like rabbitmqctl: adding a vhost that exists is not an error
    assertThat(ctl.run("add_vhost", vhost).code()).isZero();

    Ctl.Result delete = ctl.run("delete_vhost", vhost);
    assertThat(delete.code()).isZero();
    assertThat(delete.out()).isEqualTo("Deleting vhost \"" + vhost + "\" ...\n");
    assertThat(ctl.run("-q", "list_vhosts").lines()).doesNotContain(vhost);

    Ctl.Result again = ctl.run("delete_vhost", vhost);
    assertThat(again.code()).isEqualTo(65);
    assertThat(again.err()).isEqualTo("Virtual host '" + vhost + "' does not exist\n");
  }

  @Test
  void setAndClearPermissionsInAVhost() {
    ctl.run("add_vhost", vhost);
    ctl.run("add_user", user, "pw");

    Ctl.Result set = ctl.run("set_permissions", "-p", vhost, user, "^conf", "", "r.*");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(set.out()).isEqualTo(
        "Setting permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...\n");
    assertThat(ctl.run("list_permissions", "-p", vhost).lines())
        .startsWith("Listing permissions for vhost \"" + vhost + "\" ...",
            "user\tconfigure\twrite\tread")
        .contains(user + "\t^conf\t\tr.*");

    Ctl.Result clear = ctl.run("clear_permissions", "-p", vhost, user);
    assertThat(clear.code()).isZero();
    assertThat(clear.out()).isEqualTo(
        "Clearing permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...\n");
    assertThat(ctl.run("-q", "list_permissions", "-p", vhost).out()).doesNotContain(user);
    // clearing again is fine, as in rabbitmqctl
    assertThat(ctl.run("clear_permissions", "-p", vhost, user).code()).isZero();
  }

  @Test
  void permissionsInAVhostThatDoesNotExistExit69() {
    ctl.run("add_user", user, "pw");

    Ctl.Result r = ctl.run("set_permissions", "-p", vhost, user, ".*", ".*", ".*");

    assertThat(r.code()).isEqualTo(69);
    assertThat(r.err()).isEqualTo("Error:\nVirtual host " + vhost + " does not exist\n");
  }

  @Test
  void jsonFormatterAnswersOkWithTheNodeName() {
    Ctl.Result r = ctl.run("add_vhost", vhost, "--formatter", "json");

    assertThat(r.code()).isZero();
    assertThat(r.out()).matches("\\{\"node\":\"[^\"]+\",\"result\":\"ok\"}\n");
  }

  private static void login(String username, String password) throws Exception {
    ConnectionFactory cf = api.amqp().clone();
    cf.setUsername(username);
    cf.setPassword(password);
    cf.newConnection().close();
  }
}
