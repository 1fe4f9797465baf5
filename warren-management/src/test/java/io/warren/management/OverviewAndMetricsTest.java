package io.warren.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /api/overview, /api/nodes, the aliveness test, and the Prometheus endpoint. */
class OverviewAndMetricsTest extends ManagementTestSupport {

  static final List<String> OVERVIEW_FIELDS = List.of("churn_rates", "cluster_name", "contexts", "disable_stats",
      "enable_queue_totals", "erlang_full_version", "erlang_version", "exchange_types", "listeners",
      "management_version", "message_stats", "node", "object_totals", "product_name", "product_version",
      "queue_totals", "rabbitmq_version", "rates_mode", "release_series_support_status", "sample_retention_policies",
      "statistics_db_event_queue");

  @Test
  void shouldDescribeTheBrokerInTheOverview() throws Exception {
    Channel ch = amqp().createChannel();
    String queue = ch.queueDeclare().getQueue();
    ch.basicPublish("", queue, null, new byte[1]);
    eventually(() -> {
      Map<String, Object> overview = get("/api/overview").map();
      assertThat(overview).containsKeys(OVERVIEW_FIELDS.toArray(String[]::new))
          .containsEntry("product_name", "Warren").containsEntry("rates_mode", "basic");
      @SuppressWarnings("unchecked")
      Map<String, Object> objects = (Map<String, Object>) overview.get("object_totals");
      assertThat(objects).containsKeys("channels", "connections", "consumers", "exchanges", "queues");
      assertThat(((Number) objects.get("connections")).intValue()).isPositive();
      assertThat(((Number) objects.get("queues")).intValue()).isPositive();
      @SuppressWarnings("unchecked")
      Map<String, Object> totals = (Map<String, Object>) overview.get("queue_totals");
      assertThat(((Number) totals.get("messages_ready")).intValue()).isPositive();
      assertThat(overview.get("listeners")).asList().anySatisfy(l -> assertThat(ManagementTestSupport.asMap(l))
          .containsEntry("protocol", "amqp").containsEntry("port", embedded.port()));
      @SuppressWarnings("unchecked")
      Map<String, Object> stats = (Map<String, Object>) overview.get("message_stats");
      assertThat(stats).containsKeys("publish", "publish_details", "deliver_get", "ack", "confirm",
          "return_unroutable", "drop_unroutable");
    });
  }

  @Test
  void shouldDescribeTheNode() throws Exception {
    List<Map<String, Object>> nodes = get("/api/nodes").list();
    assertThat(nodes).singleElement().satisfies(n -> assertThat(n).containsKeys("name", "type", "running",
        "mem_used", "mem_limit", "mem_alarm", "disk_free", "disk_free_limit", "disk_free_alarm", "fd_used", "fd_total",
        "sockets_used", "sockets_total", "proc_used", "proc_total", "uptime", "processors", "exchange_types",
        "auth_mechanisms", "partitions").containsEntry("running", true).containsEntry("mem_alarm", false)
        .containsEntry("disk_free_alarm", false));
    assertThat(((Number) nodes.get(0).get("mem_limit")).longValue()).isEqualTo(embedded.broker().memoryLimit());
    String name = (String) nodes.get(0).get("name");
    assertThat(name).startsWith("warren@");
    assertThat(get("/api/nodes/" + name).map()).containsEntry("name", name);
  }

  @Test
  void theAlarmsHealthCheckFailsWhileAResourceAlarmIsOn() throws Exception {
    assertThat(get("/api/health/checks/alarms").map()).isEqualTo(Map.of("status", "ok"));
    long limit = embedded.broker().memoryLimit();
    embedded.broker().setMemoryLimit(1);
    try {
      var failed = get("/api/health/checks/alarms");
      assertThat(failed.status()).isEqualTo(503);
      assertThat(failed.map()).containsEntry("status", "failed")
          .containsEntry("reason", "resource alarm(s) in effect in the cluster");
      assertThat(failed.map().get("alarms")).asList().singleElement()
          .satisfies(a -> assertThat(ManagementTestSupport.asMap(a)).containsEntry("resource", "memory"));
    } finally {
      embedded.broker().setMemoryLimit(limit);
    }
    assertThat(get("/api/health/checks/alarms").map()).isEqualTo(Map.of("status", "ok"));
  }

  @Test
  void shouldPassTheAlivenessTest() throws Exception {
    assertThat(get("/api/aliveness-test/%2F").map()).isEqualTo(Map.of("status", "ok"));
    assertThat(get("/api/aliveness-test/" + unique("none")).status()).isEqualTo(404);
  }

  @Test
  void shouldServeRabbitMqMetricFamiliesWithValues() throws Exception {
    String queue = unique("prom-q");
    Channel ch = amqp().createChannel();
    ch.queueDeclare(queue, false, false, true, null);
    ch.confirmSelect();
    for (int i = 0; i < 5; i++) {
      ch.basicPublish("", queue, null, new byte[3]);
    }
    ch.waitForConfirmsOrDie(5000);
    Channel consumer = ch.getConnection().createChannel();
    consumer.basicQos(2);
    consumer.basicConsume(queue, false, new DefaultConsumer(consumer));

    eventually(() -> {
      String perObject = metrics("/metrics/per-object");
      assertThat(perObject).contains("# TYPE rabbitmq_queue_messages_ready gauge")
          .contains("rabbitmq_queue_messages_ready{queue=\"" + queue + "\",vhost=\"/\"} 3")
          .contains("rabbitmq_queue_messages_unacked{queue=\"" + queue + "\",vhost=\"/\"} 2")
          .contains("rabbitmq_queue_consumers{queue=\"" + queue + "\",vhost=\"/\"} 1")
          .contains("rabbitmq_queue_messages_published_total{queue=\"" + queue + "\",vhost=\"/\"} 5");
    });
    String aggregated = metrics("/metrics");
    for (String family : List.of("rabbitmq_connections", "rabbitmq_channels", "rabbitmq_consumers", "rabbitmq_queues",
        "rabbitmq_queue_messages_ready", "rabbitmq_queue_messages_unacked", "rabbitmq_queue_messages",
        "rabbitmq_queue_consumers", "rabbitmq_build_info", "rabbitmq_identity_info")) {
      assertThat(aggregated).contains("# TYPE " + family + " gauge");
    }
    for (String family : List.of("rabbitmq_global_messages_received_total", "rabbitmq_global_messages_routed_total",
        "rabbitmq_global_messages_confirmed_total", "rabbitmq_global_messages_delivered_total",
        "rabbitmq_global_messages_acknowledged_total", "rabbitmq_channel_messages_published_total")) {
      assertThat(aggregated).contains("# TYPE " + family + " counter");
    }
    assertThat(aggregated).containsPattern("(?m)^rabbitmq_global_messages_received_total\\{protocol=\"amqp091\"} [1-9]")
        .containsPattern("(?m)^rabbitmq_global_messages_confirmed_total\\{protocol=\"amqp091\"} [1-9]")
        .containsPattern("(?m)^rabbitmq_connections [1-9]")
        .doesNotContain("queue=\"");
  }
}
