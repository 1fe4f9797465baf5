package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.auth.User;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/definitions: export and import in RabbitMQ's definitions format (users with their
 * password hashes, vhosts, permissions, queues, exchanges, bindings), whole-broker or for one
 * vhost. A file exported from RabbitMQ imports here and the other way round, all or nothing
 * ({@link DefinitionsImport}); policies, parameters and topic permissions, which Warren does
 * not have, are accepted and ignored.
 */
final class DefinitionsResource {

  private final Broker broker;
  private final Map<String, Object> versions;

  DefinitionsResource(Broker broker, Map<String, Object> versions) {
    this.broker = broker;
    this.versions = versions;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/definitions", Access.ADMIN, c -> export(null));
    router.add("POST", "/api/definitions", Access.ADMIN, c -> importAll(broker, c.body(), null));
    router.add("GET", "/api/definitions/{vhost}", Access.ADMIN, c -> export(vhostOrNotFound(c)));
    router.add("POST", "/api/definitions/{vhost}", Access.ADMIN, c -> importAll(broker, c.body(), vhostOrNotFound(c)));
  }

  private VirtualHost vhostOrNotFound(Call call) {
    VirtualHost v = broker.vhosts().get(call.param("vhost"));
    if (v == null) {
      throw ApiException.notFound();
    }
    return v;
  }

  // ---- export ----

  private Map<String, Object> export(VirtualHost only) {
    Map<String, Object> out = new LinkedHashMap<>(versions);
    List<VirtualHost> vhosts = new ArrayList<>(only == null ? broker.vhosts().all() : List.of(only));
    vhosts.sort(Comparator.comparing(VirtualHost::name));
    if (only == null) {
      List<Map<String, Object>> users = new ArrayList<>();
      broker.users().all().stream().sorted(Comparator.comparing(User::name))
          .forEach(u -> users.add(UsersResource.view(u)));
      out.put("users", users);
      out.put("vhosts", vhosts.stream().map(v -> (Object) Map.of("name", v.name())).toList());
      out.put("permissions", PermissionsResource.views(broker, e -> true));
      out.put("topic_permissions", List.of());
      out.put("parameters", List.of());
      out.put("global_parameters", List.of());
    } else {
      out.put("parameters", List.of());
    }
    out.put("policies", List.of());
    List<Map<String, Object>> queues = new ArrayList<>();
    List<Map<String, Object>> exchanges = new ArrayList<>();
    List<Map<String, Object>> bindings = new ArrayList<>();
    for (VirtualHost v : vhosts) {
      for (AmqpQueue q : v.queues().stream().sorted(Comparator.comparing(AmqpQueue::name)).toList()) {
        if (q.exclusive()) {
          continue; // they die with their connection, so RabbitMQ leaves them out
        }
        Map<String, Object> m = item(only, q.name(), v.name());
        m.put("durable", q.durable());
        m.put("auto_delete", q.autoDelete());
        m.put("arguments", Json.fromAmqpTable(q.arguments()));
        queues.add(m);
      }
      for (Exchange x : QueuesResource.sortedExchanges(v)) {
        if (!x.name().startsWith("amq.")) {
          Map<String, Object> m = item(only, x.name(), v.name());
          m.put("type", x.type().amqpName());
          m.put("durable", x.durable());
          m.put("auto_delete", x.autoDelete());
          m.put("internal", x.internal());
          m.put("arguments", Json.fromAmqpTable(x.arguments()));
          exchanges.add(m);
        }
        for (Binding b : x.bindings()) {
          if (b.destination() instanceof AmqpQueue q && q.exclusive()) {
            continue;
          }
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("source", x.name());
          if (only == null) {
            m.put("vhost", v.name());
          }
          m.put("destination", b.destination().name());
          m.put("destination_type", b.destination() instanceof AmqpQueue ? "queue" : "exchange");
          m.put("routing_key", b.bindingKey());
          m.put("arguments", Json.fromAmqpTable(b.arguments()));
          bindings.add(m);
        }
      }
    }
    out.put("queues", queues);
    out.put("exchanges", exchanges);
    out.put("bindings", bindings);
    return out;
  }

  private static Map<String, Object> item(VirtualHost only, String name, String vhost) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    if (only == null) {
      m.put("vhost", vhost);
    }
    return m;
  }

  private static Object importAll(Broker broker, Map<String, Object> file, VirtualHost only) {
    DefinitionsImport.run(broker, file, only);
    return ApiResponse.noContent();
  }
}
