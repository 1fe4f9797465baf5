package io.warren.ctl;

import static io.warren.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * status: rabbitmqctl's report, in its sections and wording, for what the management API's
 * {@code /api/overview} and {@code /api/nodes/{node}} say. Sections whose facts the API does
 * not give (plugins, the Erlang memory breakdown) are left out rather than invented.
 */
@Command(name = "status", description = "Displays status of the node.")
final class StatusCommand implements Callable<Integer> {

  @ParentCommand
  WarrenCtl ctl;

  @Override
  public Integer call() {
    ManagementClient api = ctl.client();
    Output out = ctl.output();
    JsonNode overview = api.get("/overview");
    String node = overview.path("node").asText();
    out.banner("Status of node " + node + " ...");
    JsonNode n = api.find(path("nodes", node)).orElse(ManagementClient.JSON.createObjectNode());
    int vhosts = api.get("/vhosts").size();
    if (out.json()) {
      out.json(json(overview, n, vhosts));
      return ExitCode.OK;
    }
    List<String> lines = new ArrayList<>();

    section(lines, "Runtime");
    line(lines, "OS PID", n.path("os_pid"));
    if (n.path("uptime").isNumber()) {
      lines.add("Uptime (seconds): " + n.path("uptime").asLong() / 1000);
    }
    line(lines, "Product name", overview.path("product_name"));
    line(lines, "Product version", overview.path("product_version"));
    line(lines, "RabbitMQ version", overview.path("rabbitmq_version"));
    lines.add("Node name: " + node);
    line(lines, "Erlang configuration", overview.path("erlang_full_version"));

    if (n.path("db_dir").isTextual()) {
      section(lines, "Data directory");
      lines.add("Node data directory: " + n.path("db_dir").asText());
    }
    list(lines, "Config files", n.path("config_files"));
    list(lines, "Log file(s)", n.path("log_files"));

    section(lines, "Alarms");
    List<String> alarms = alarms(n, node);
    if (alarms.isEmpty()) {
      lines.add("(none)");
    } else {
      alarms.forEach(a -> lines.add(" * " + a));
    }

    if (n.path("mem_used").isNumber()) {
      section(lines, "Memory");
      lines.add("Total memory used: " + gb(n.path("mem_used")) + " gb");
      if (n.path("mem_limit").isNumber()) {
        lines.add("Memory high watermark: " + gb(n.path("mem_limit")) + " gb");
      }
    }
    if (n.path("fd_used").isNumber()) {
      section(lines, "File Descriptors");
      lines.add("Total: " + n.path("fd_used").asText() + ", limit: " + n.path("fd_total").asText());
      lines.add("Sockets: " + n.path("sockets_used").asText() + ", limit: "
          + n.path("sockets_total").asText());
    }
    if (n.path("disk_free").isNumber()) {
      section(lines, "Free Disk Space");
      lines.add("Low free disk space watermark: " + gb(n.path("disk_free_limit")) + " gb");
      lines.add("Free disk space: " + gb(n.path("disk_free")) + " gb");
    }

    section(lines, "Totals");
    JsonNode totals = overview.path("object_totals");
    lines.add("Connection count: " + totals.path("connections").asLong());
    lines.add("Queue count: " + totals.path("queues").asLong());
    lines.add("Virtual host count: " + vhosts);

    section(lines, "Listeners");
    for (JsonNode l : overview.path("listeners")) {
      lines.add("Interface: " + iface(l.path("ip_address").asText()) + ", port: "
          + l.path("port").asText() + ", protocol: " + l.path("protocol").asText()
          + ", purpose: " + purpose(l.path("protocol").asText()));
    }
    // the first line is the banner's; the report starts with a section heading
    lines.forEach(out::result);
    return ExitCode.OK;
  }

  private static ObjectNode json(JsonNode overview, JsonNode n, int vhosts) {
    ObjectNode o = ManagementClient.JSON.createObjectNode();
    ArrayNode alarms = o.putArray("alarms");
    alarms(n, overview.path("node").asText()).forEach(alarms::add);
    o.set("config_files",
        n.path("config_files").isArray() ? n.path("config_files") : o.arrayNode());
    o.put("data_directory", n.path("db_dir").asText(null));
    o.set("disk_free", n.path("disk_free"));
    o.set("disk_free_limit", n.path("disk_free_limit"));
    o.put("erlang_version", overview.path("erlang_full_version").asText(null));
    ObjectNode fds = o.putObject("file_descriptors");
    fds.set("sockets_limit", n.path("sockets_total"));
    fds.set("sockets_used", n.path("sockets_used"));
    fds.set("total_limit", n.path("fd_total"));
    fds.set("total_used", n.path("fd_used"));
    ArrayNode listeners = o.putArray("listeners");
    for (JsonNode l : overview.path("listeners")) {
      ObjectNode x = listeners.addObject();
      x.put("interface", iface(l.path("ip_address").asText()));
      x.set("node", l.path("node"));
      x.set("port", l.path("port"));
      x.set("protocol", l.path("protocol"));
      x.put("purpose", purpose(l.path("protocol").asText()));
    }
    o.set("log_files", n.path("log_files").isArray() ? n.path("log_files") : o.arrayNode());
    o.putObject("memory").putObject("total").set("rss", n.path("mem_used"));
    o.put("pid", n.path("os_pid").asLong());
    ObjectNode processes = o.putObject("processes");
    processes.set("limit", n.path("proc_total"));
    processes.set("used", n.path("proc_used"));
    o.put("product_name", overview.path("product_name").asText(""));
    o.put("product_version", overview.path("product_version").asText(""));
    o.put("rabbitmq_version", overview.path("rabbitmq_version").asText(""));
    o.set("run_queue", n.path("run_queue"));
    ObjectNode totals = o.putObject("totals");
    totals.put("virtual_host_count", vhosts);
    totals.put("connection_count", overview.path("object_totals").path("connections").asLong());
    totals.put("queue_count", overview.path("object_totals").path("queues").asLong());
    o.put("uptime", n.path("uptime").asLong() / 1000);
    o.set("vm_memory_high_watermark_limit", n.path("mem_limit"));
    // MissingNode values cannot be serialised; make them null
    o.properties().forEach(e -> {
      if (e.getValue().isMissingNode()) {
        e.setValue(o.nullNode());
      }
    });
    return o;
  }

  private static List<String> alarms(JsonNode n, String node) {
    List<String> alarms = new ArrayList<>();
    if (n.path("mem_alarm").asBoolean(false)) {
      alarms.add("Memory alarm on node " + node);
    }
    if (n.path("disk_free_alarm").asBoolean(false)) {
      alarms.add("Free disk space alarm on node " + node);
    }
    return alarms;
  }

  private static void section(List<String> lines, String title) {
    if (!lines.isEmpty()) {
      lines.add("");
    }
    lines.add(title);
    lines.add("");
  }

  private static void line(List<String> lines, String label, JsonNode v) {
    if (!v.isMissingNode() && !v.isNull() && !v.asText().isEmpty()) {
      lines.add(label + ": " + v.asText());
    }
  }

  private static void list(List<String> lines, String title, JsonNode items) {
    if (items.isArray() && !items.isEmpty()) {
      section(lines, title);
      items.forEach(i -> lines.add(" * " + i.asText()));
    }
  }

  /** Bytes as decimal gigabytes with at most four decimals, the way rabbitmqctl shows them. */
  static String gb(JsonNode bytes) {
    String s = BigDecimal.valueOf(bytes.asLong()).divide(BigDecimal.valueOf(1_000_000_000L))
        .setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    return s.contains(".") ? s : s + ".0";
  }

  private static String iface(String ip) {
    return ip.contains(":") ? "[" + ip + "]" : ip;
  }

  private static String purpose(String protocol) {
    return switch (protocol) {
      case "amqp" -> "AMQP 0-9-1";
      case "amqp/ssl" -> "AMQP 0-9-1 over TLS";
      case "http" -> "HTTP API";
      case "https" -> "HTTP API over TLS";
      case "http/prometheus" -> "Prometheus exporter API over HTTP";
      case "clustering" -> "inter-node and CLI tool communication";
      default -> protocol;
    };
  }
}
