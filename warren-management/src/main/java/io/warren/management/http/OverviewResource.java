package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.MessageStats;
import io.warren.broker.cluster.ClusterView;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import io.warren.codec.BasicProperties;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/overview, /api/nodes, /api/cluster-name, /api/extensions and the health checks. */
final class OverviewResource {

  private static final List<Map<String, Object>> EXCHANGE_TYPES = List.of(
      exchangeType("direct", "AMQP direct exchange, as per the AMQP specification"),
      exchangeType("fanout", "AMQP fanout exchange, as per the AMQP specification"),
      exchangeType("headers", "AMQP headers exchange, as per the AMQP specification"),
      exchangeType("topic", "AMQP topic exchange, as per the AMQP specification"));

  private final Broker broker;
  private final Scope scope;
  private final Views views;
  private final Operations operations;
  private final Map<String, Object> versions;
  private final java.util.function.IntSupplier managementPort;
  private final long startedAt = System.currentTimeMillis();

  OverviewResource(Broker broker, Scope scope, Views views, Operations operations, Map<String, Object> versions,
      java.util.function.IntSupplier managementPort) {
    this.broker = broker;
    this.scope = scope;
    this.views = views;
    this.operations = operations;
    this.versions = versions;
    this.managementPort = managementPort;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/overview", Access.ANY, this::overview);
    router.add("GET", "/api/cluster-name", Access.ANY, c -> Map.of("name", views.node()));
    router.add("GET", "/api/nodes", Access.MONITOR, c -> nodes());
    router.add("GET", "/api/nodes/{node}", Access.MONITOR, this::nodeNamed);
    router.add("GET", "/api/extensions", Access.ANY, c -> List.of());
    router.add("GET", "/api/aliveness-test/{vhost}", Access.VHOST, this::aliveness);
    router.add("GET", "/api/healthchecks/node", Access.ANY, c -> Map.of("status", "ok"));
    router.add("GET", "/api/health/checks/alarms", Access.ANY, c -> alarmsCheck());
    router.add("GET", "/api/health/checks/virtual-hosts", Access.ANY, c -> Map.of("status", "ok"));
  }

  /** RabbitMQ's alarms health check: 200 without alarms, 503 naming each alarm in effect. */
  private Object alarmsCheck() {
    List<Map<String, Object>> alarms = new ArrayList<>();
    if (broker.memoryAlarm()) {
      alarms.add(Map.of("node", views.node(), "resource", "memory"));
    }
    if (broker.diskAlarm()) {
      alarms.add(Map.of("node", views.node(), "resource", "disk"));
    }
    if (alarms.isEmpty()) {
      return Map.of("status", "ok");
    }
    Map<String, Object> failed = new LinkedHashMap<>();
    failed.put("status", "failed");
    failed.put("reason", "resource alarm(s) in effect in the cluster");
    failed.put("alarms", alarms);
    return ApiResponse.json(503, Json.write(failed));
  }

  private static Map<String, Object> exchangeType(String name, String description) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    m.put("description", description);
    m.put("enabled", true);
    return m;
  }

  private Object overview(Call call) {
    List<VirtualHost> visible = scope.visibleVhosts(call);
    long ready = 0;
    long unacked = 0;
    int queues = 0;
    int exchanges = 0;
    int consumers = 0;
    List<MessageStats> stats = new ArrayList<>();
    for (VirtualHost v : visible) {
      stats.add(v.stats());
      exchanges += v.exchanges().size() + 1; // and the default exchange
      for (AmqpQueue q : v.queues()) {
        queues++;
        ready += q.messageCount();
        unacked += q.unackedCount();
        consumers += q.consumerCount();
      }
    }
    List<AmqpConnection> connections = scope.connections(call, null);
    int channels = 0;
    for (AmqpConnection c : connections) {
      Integer n = c.readChannels(List::size);
      channels += n == null ? 0 : n;
    }
    Map<String, Object> rate = Map.of("rate", 0.0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("management_version", versions.get("rabbitmq_version"));
    m.put("rates_mode", "basic");
    m.put("sample_retention_policies", Map.of("global", List.of(600, 3600, 28800, 86400),
        "basic", List.of(600, 3600), "detailed", List.of(600)));
    m.put("exchange_types", EXCHANGE_TYPES);
    m.put("product_version", versions.get("product_version"));
    m.put("product_name", versions.get("product_name"));
    m.put("rabbitmq_version", versions.get("rabbitmq_version"));
    m.put("cluster_name", views.node());
    m.put("erlang_version", "none (Java " + Runtime.version() + ")");
    m.put("erlang_full_version", "Java " + Runtime.version());
    m.put("release_series_support_status", "supported");
    m.put("disable_stats", false);
    m.put("enable_queue_totals", false);
    m.put("message_stats", views.summedStats(stats));
    Map<String, Object> churn = new LinkedHashMap<>();
    for (String k : new String[] {"channel_closed", "channel_created", "connection_closed", "connection_created",
        "queue_created", "queue_declared", "queue_deleted"}) {
      churn.put(k, 0);
      churn.put(k + "_details", rate);
    }
    m.put("churn_rates", churn);
    Map<String, Object> totals = new LinkedHashMap<>();
    totals.put("messages", ready + unacked);
    totals.put("messages_details", rate);
    totals.put("messages_ready", ready);
    totals.put("messages_ready_details", rate);
    totals.put("messages_unacknowledged", unacked);
    totals.put("messages_unacknowledged_details", rate);
    m.put("queue_totals", totals);
    Map<String, Object> objects = new LinkedHashMap<>();
    objects.put("channels", channels);
    objects.put("connections", connections.size());
    objects.put("consumers", consumers);
    objects.put("exchanges", exchanges);
    objects.put("queues", queues);
    m.put("object_totals", objects);
    m.put("statistics_db_event_queue", 0);
    m.put("node", views.node());
    m.put("listeners", listeners());
    m.put("contexts", List.of(Map.of("node", views.node(), "description", "Warren Management", "path", "/",
        "port", String.valueOf(managementPort.getAsInt()))));
    return m;
  }

  private List<Map<String, Object>> listeners() {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(listener("amqp", broker.config().bindAddress(), broker.port()));
    out.add(listener("http", broker.config().bindAddress(), managementPort.getAsInt()));
    return out;
  }

  private Map<String, Object> listener(String protocol, String address, int port) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("node", views.node());
    m.put("protocol", protocol);
    m.put("ip_address", address.equals("0.0.0.0") ? "::" : address);
    m.put("port", port);
    m.put("socket_opts", Map.of());
    return m;
  }

  private Object nodeNamed(Call call) {
    for (Map<String, Object> n : nodes()) {
      if (n.get("name").equals(call.param("node"))) {
        return n;
      }
    }
    throw ApiException.notFound();
  }

  /**
   * Every member of the cluster, this node first with its figures; the others with what this
   * node knows of them: name, type and whether they are running (RabbitMQ lists a stopped
   * member the same way, with running false).
   */
  private List<Map<String, Object>> nodes() {
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(node());
    for (ClusterView.NodeStatus member : broker.cluster().nodes()) {
      if (!member.name().equals(views.node())) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", member.name());
        m.put("type", "disc");
        m.put("running", member.running());
        out.add(m);
      }
    }
    return out;
  }

  private Map<String, Object> node() {
    Runtime rt = Runtime.getRuntime();
    long memUsed = rt.totalMemory() - rt.freeMemory();
    // A broker without a data folder reports the working directory's disk.
    java.io.File data = (broker.config().inMemory() ? java.nio.file.Path.of("") : broker.config().dataDir()).toFile();
    int connections = broker.connections().size();
    Map<String, Object> rate = Map.of("rate", 0.0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("applications", List.of());
    m.put("auth_mechanisms", List.of(
        Map.of("name", "AMQPLAIN", "description", "QPid AMQPLAIN mechanism", "enabled", true),
        Map.of("name", "PLAIN", "description", "SASL PLAIN authentication mechanism", "enabled", true)));
    m.put("being_drained", false);
    m.put("config_files", List.of());
    m.put("contexts", List.of());
    m.put("db_dir", data.getAbsolutePath());
    m.put("disk_free", data.getUsableSpace());
    m.put("disk_free_alarm", broker.diskAlarm());
    m.put("disk_free_details", rate);
    m.put("disk_free_limit", broker.config().diskFreeLimit());
    m.put("enabled_plugins", List.of("rabbitmq_management", "rabbitmq_prometheus"));
    m.put("exchange_types", EXCHANGE_TYPES);
    m.put("fd_total", 1_048_576);
    m.put("fd_used", connections + 16);
    m.put("fd_used_details", rate);
    m.put("log_files", List.of());
    m.put("mem_alarm", broker.memoryAlarm());
    m.put("mem_calculation_strategy", "rss");
    m.put("mem_limit", broker.memoryLimit());
    m.put("mem_used", memUsed);
    m.put("mem_used_details", rate);
    m.put("name", views.node());
    m.put("net_ticktime", 60);
    m.put("os_pid", String.valueOf(ProcessHandle.current().pid()));
    m.put("partitions", List.of());
    m.put("proc_total", 1_048_576);
    m.put("proc_used", Thread.activeCount());
    m.put("proc_used_details", rate);
    m.put("processors", rt.availableProcessors());
    m.put("rates_mode", "basic");
    m.put("run_queue", 0);
    m.put("running", true);
    m.put("sockets_total", 943_629);
    m.put("sockets_used", connections);
    m.put("sockets_used_details", rate);
    m.put("type", "disc");
    m.put("uptime", ManagementFactory.getRuntimeMXBean().getUptime());
    return m;
  }

  /**
   * RabbitMQ's aliveness test: declare the queue "aliveness-test" in the vhost, publish a
   * message to it and get it back, as the calling user.
   */
  private Object aliveness(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    byte[] body = "test_message".getBytes(StandardCharsets.UTF_8);
    try {
      operations.declareQueue(call, v, "aliveness-test", false, false, new LinkedHashMap<>());
      operations.publish(call, v, "", "aliveness-test", BasicProperties.EMPTY, body);
      List<QueueEntry> got = operations.get(call, v, "aliveness-test", 1, true);
      if (got.isEmpty() || !java.util.Arrays.equals(got.get(0).message().body(), body)) {
        return Map.of("status", "failed", "reason", "message not received");
      }
    } catch (AmqpException e) {
      throw Operations.overChannel(e);
    }
    return Map.of("status", "ok");
  }
}
