package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * rabbitmqadmin, RabbitMQ's own client of the management API (installed by Debian's
 * rabbitmq-server package), lists, declares, publishes and gets against Warren unchanged.
 * Skipped where it is not installed.
 */
class RabbitmqadminTest extends ManagementTestSupport {

  private static final Path RABBITMQADMIN = Path.of("/usr/bin/rabbitmqadmin");

  private static String admin(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(RABBITMQADMIN.toString(), "-H", "127.0.0.1", "-P",
        String.valueOf(management.port()), "-u", "guest", "-p", "guest"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("rabbitmqadmin finished").isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as("exit code; output:%n%s", out).isZero();
    return out;
  }

  @Test
  void shouldListDeclarePublishAndGetWithRabbitmqadmin() throws Exception {
    assumeTrue(Files.isExecutable(RABBITMQADMIN), "rabbitmqadmin is not installed");
    String queue = unique("admin-q");
    String exchange = unique("admin-x");
    assertThat(admin("declare", "queue", "name=" + queue, "durable=true")).contains("queue declared");
    assertThat(admin("declare", "exchange", "name=" + exchange, "type=topic")).contains("exchange declared");
    assertThat(admin("declare", "binding", "source=" + exchange, "destination=" + queue, "routing_key=a.#"))
        .contains("binding declared");
    assertThat(admin("publish", "exchange=" + exchange, "routing_key=a.b", "payload=hello admin"))
        .contains("Message published");
    assertThat(admin("-f", "tsv", "-q", "list", "queues", "name", "messages")).contains(queue + "\t1");
    assertThat(admin("-f", "tsv", "-q", "list", "exchanges", "name", "type")).contains(exchange + "\ttopic");
    assertThat(admin("-f", "tsv", "-q", "list", "bindings", "source", "destination", "routing_key"))
        .contains(exchange + "\t" + queue + "\ta.#");
    assertThat(admin("get", "queue=" + queue, "ackmode=ack_requeue_false")).contains("hello admin");
    assertThat(admin("-f", "tsv", "-q", "list", "queues", "name", "messages")).contains(queue + "\t0");
    assertThat(admin("-f", "tsv", "-q", "list", "users", "name")).contains("guest");
    assertThat(admin("show", "overview")).contains("3.10.8");
    assertThat(admin("delete", "queue", "name=" + queue)).contains("queue deleted");
  }
}
