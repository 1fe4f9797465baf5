package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where warrenctl looks for the API (WARREN_MGMT_URL, --host/--port/--username/--password) and
 * what it says when it cannot get an answer: 69 for nothing listening, 77 for refused
 * credentials, 64 for a command that does not exist.
 */
class ConnectionOptionsTest {

  private static ManagementApi api;

  @BeforeAll
  static void start() {
    api = ManagementApi.start();
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
  }

  @Test
  void nothingListeningExits69AndNamesTheUrl() throws IOException {
    int port = closedPort();

    Ctl.Result r = Ctl.runWithEnv(Map.of(), "", "--port", Integer.toString(port), "--host",
        "127.0.0.1", "list_queues");

    assertThat(r.code()).isEqualTo(69);
    assertThat(r.err()).startsWith("Error: unable to reach the management API at http://127.0.0.1:"
        + port + "/api (connection refused).");
  }

  @Test
  void credentialsFromTheUrlAndFlagsAreUsed() {
    String withUser = api.url().replace("://", "://guest:wrong@");

    Ctl.Result wrong = Ctl.runWithEnv(Map.of(WarrenCtl.URL_ENV, withUser), "", "list_users");
    assertThat(wrong.code()).isEqualTo(77);
    assertThat(wrong.err()).startsWith("Error: the management API at ")
        .contains("refused the credentials of user 'guest'");

    Ctl.Result fixed = Ctl.runWithEnv(Map.of(WarrenCtl.URL_ENV, withUser), "",
        "list_users", "--password", "guest");
    assertThat(fixed.code()).as(fixed.toString()).isZero();
  }

  @Test
  void hostAndPortFlagsOverrideTheUrl() throws IOException {
    String hostPort = api.url().replaceFirst("^https?://", "").replaceFirst("/.*$", "");
    int colon = hostPort.lastIndexOf(':');

    Ctl.Result r = Ctl.runWithEnv(
        Map.of(WarrenCtl.URL_ENV, "http://127.0.0.1:" + closedPort() + "/api/"), "",
        "-q", "list_vhosts", "--host", hostPort.substring(0, colon),
        "--port", hostPort.substring(colon + 1));

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.lines()).contains("/");
  }

  @Test
  void unknownCommandExits64() {
    Ctl.Result r = Ctl.runWithEnv(Map.of(WarrenCtl.URL_ENV, api.url()), "", "list_queuez");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("\nCommand 'list_queuez' not found. \n");
  }

  @Test
  void missingArgumentsExit64WithUsage() {
    Ctl.Result r = Ctl.runWithEnv(Map.of(WarrenCtl.URL_ENV, api.url()), "",
        "set_permissions", "guest", "a", "b");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("Error (argument validation): not enough arguments.\n"
        + "Arguments given:\n\tset_permissions guest a b\n\nUsage\n\n"
        + "warrenctl set_permissions [OPTIONS] <username> <conf> <write> <read>");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
