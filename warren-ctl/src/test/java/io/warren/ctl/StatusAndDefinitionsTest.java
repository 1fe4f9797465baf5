package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status, export_definitions and import_definitions. */
class StatusAndDefinitionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static ManagementApi api;
  private static Ctl ctl;

  @TempDir
  Path dir;

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

  @Test
  void statusPrintsRabbitmqctlSectionsForTheNode() {
    Ctl.Result r = ctl.run("status");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.lines().get(0)).matches("Status of node \\S+ \\.\\.\\.");
    assertThat(r.lines()).contains("Runtime", "Totals", "Listeners");
    assertThat(r.lines()).anySatisfy(l -> assertThat(l).startsWith("Node name: "));
    assertThat(r.lines()).anySatisfy(l -> assertThat(l).matches("Virtual host count: \\d+"));
    assertThat(r.lines()).anySatisfy(
        l -> assertThat(l).matches("Interface: .+, port: \\d+, protocol: amqp, purpose: .+"));
  }

  @Test
  void statusAsJson() throws Exception {
    Ctl.Result r = ctl.run("status", "--formatter", "json");

    JsonNode status = JSON.readTree(r.out());
    assertThat(status.path("totals").path("virtual_host_count").asInt()).isPositive();
    assertThat(status.path("listeners").isArray()).isTrue();
    assertThat(status.has("rabbitmq_version")).isTrue();
  }

  @Test
  void exportToAFileAndToStandardOutput() throws Exception {
    String queue = Ctl.unique("ctl-def-q");
    try (Connection c = api.amqp().newConnection()) {
      Channel ch = c.createChannel();
      ch.queueDeclare(queue, true, false, false, null);
      try {
        Path file = dir.resolve("defs.json");
        Ctl.Result toFile = ctl.run("export_definitions", file.toString());
        assertThat(toFile.code()).as(toFile.toString()).isZero();
        assertThat(toFile.out()).isEqualTo(
            "Exporting definitions in JSON to a file at \"" + file + "\" ...\n");
        assertThat(queueNames(JSON.readTree(file.toFile()))).contains(queue);

        Ctl.Result toStdout = ctl.run("export_definitions", "-");
        assertThat(toStdout.code()).isZero();
        assertThat(queueNames(JSON.readTree(toStdout.out()))).contains(queue);
      } finally {
        ch.queueDelete(queue);
      }
    }
  }

  @Test
  void importFromAFileDeclaresWhatItDescribes() throws Exception {
    String vhost = Ctl.unique("ctl-def-vhost");
    Path file = dir.resolve("import.json");
    Files.writeString(file, """
        {"vhosts": [{"name": "%s"}],
         "queues": [{"name": "imported", "vhost": "%s", "durable": true, "auto_delete": false,
                     "arguments": {}}]}
        """.formatted(vhost, vhost));
    try {
      Ctl.Result r = ctl.run("import_definitions", file.toString());

      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.lines()).containsExactly(
          "Importing definitions in JSON from a file at \"" + file + "\" ...",
          "Successfully started definition import. "
              + "This process is asynchronous and can take some time.");
      assertThat(ctl.run("-s", "list_queues", "-p", vhost, "name").lines())
          .containsExactly("imported");
    } finally {
      ctl.run("delete_vhost", vhost);
    }
  }

  @Test
  void importFromStandardInput() {
    String vhost = Ctl.unique("ctl-def-vhost");
    try {
      Ctl.Result r = ctl.runWithInput("{\"vhosts\": [{\"name\": \"" + vhost + "\"}]}",
          "-q", "import_definitions", "-");

      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(ctl.run("-s", "list_vhosts").lines()).contains(vhost);
    } finally {
      ctl.run("delete_vhost", vhost);
    }
  }

  @Test
  void importRejectsAMissingFileAndBadJsonWith65() throws Exception {
    Ctl.Result missing = ctl.run("import_definitions", dir.resolve("nope.json").toString());
    assertThat(missing.code()).isEqualTo(65);
    assertThat(missing.err()).startsWith("Error (argument validation): Bad argument: File "
        + dir.resolve("nope.json") + " does not exist\n");

    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{bad");
    Ctl.Result malformed = ctl.run("import_definitions", bad.toString());
    assertThat(malformed.code()).isEqualTo(65);
    assertThat(malformed.err())
        .startsWith("Error:\nFailed to deserialise input (format: JSON) (error: ");
  }

  private static java.util.List<String> queueNames(JsonNode definitions) {
    java.util.List<String> names = new java.util.ArrayList<>();
    definitions.path("queues").forEach(q -> names.add(q.path("name").asText()));
    return names;
  }
}
