package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * /api/definitions: export and import in RabbitMQ's definitions format (users with their
 * password hashes, vhosts, permissions, queues, exchanges, bindings), whole-broker or for one
 * vhost. A file exported from RabbitMQ imports here and the other way round; policies,
 * parameters and topic permissions, which Warren does not have, are accepted and ignored.
 */
final class DefinitionsResource {

  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsResource.class);

  private final Broker broker;
  private final Map<String, Object> versions;

  DefinitionsResource(Broker broker, Map<String, Object> versions) {
    this.broker = broker;
    this.versions = versions;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/definitions", Access.ADMIN, c -> export(null));
    router.add("POST", "/api/definitions", Access.ADMIN, c -> importAll(c.body(), null));
    router.add("GET", "/api/definitions/{vhost}", Access.ADMIN, c -> export(vhostOrNotFound(c)));
    router.add("POST", "/api/definitions/{vhost}", Access.ADMIN, c -> importAll(c.body(), vhostOrNotFound(c)));
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

  // ---- import ----

  /** Imports what the file defines, in dependency order; what exists already is kept or updated. */
  private Object importAll(Map<String, Object> file, VirtualHost only) {
    BrokerDefinitions d = broker.definitions();
    try {
      if (only == null) {
        for (Map<String, Object> u : list(file, "users")) {
          d.putUser(UsersResource.userFrom(string(u, "name"), u));
        }
        for (Map<String, Object> v : list(file, "vhosts")) {
          Object tags = v.get("tags");
          d.addVhost(string(v, "name"), new BrokerDefinitions.VhostMetadata(
              v.get("description") == null ? "" : v.get("description").toString(), List.copyOf(Call.tags(tags))));
        }
        for (Map<String, Object> p : list(file, "permissions")) {
          String user = string(p, "user");
          String vhost = string(p, "vhost");
          if (broker.users().find(user).isEmpty() || broker.vhosts().get(vhost) == null) {
            throw ApiException.badRequest("vhost_or_user_not_found");
          }
          d.setPermissions(user, vhost, Permissions.of(string(p, "configure"), string(p, "write"), string(p, "read")));
        }
      }
      for (Map<String, Object> q : list(file, "queues")) {
        VirtualHost v = vhost(q, only);
        v.declareQueue(string(q, "name"), false, QueuesResource.bool(q.get("durable")), false,
            QueuesResource.bool(q.get("auto_delete")), QueuesResource.argumentsOf(q), null);
      }
      for (Map<String, Object> x : list(file, "exchanges")) {
        VirtualHost v = vhost(x, only);
        v.declareExchange(string(x, "name"), string(x, "type"), QueuesResource.bool(x.get("durable")),
            QueuesResource.bool(x.get("auto_delete")), QueuesResource.bool(x.get("internal")),
            QueuesResource.argumentsOf(x));
      }
      for (Map<String, Object> b : list(file, "bindings")) {
        VirtualHost v = vhost(b, only);
        String source = string(b, "source");
        if (source.isEmpty()) {
          continue; // the default exchange's bindings are implicit
        }
        String destination = string(b, "destination");
        BindingTarget target = "exchange".equals(b.get("destination_type")) ? v.exchangeOrThrow(destination)
            : v.queueOrThrow(destination);
        v.bind(source, target, b.get("routing_key") == null ? "" : b.get("routing_key").toString(),
            QueuesResource.argumentsOf(b));
      }
    } catch (AmqpException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    for (String ignored : new String[] {"policies", "parameters", "global_parameters", "topic_permissions"}) {
      if (!list(file, ignored).isEmpty()) {
        LOG.info("definitions import: {} are not supported by Warren and were ignored", ignored);
      }
    }
    return ApiResponse.noContent();
  }

  private VirtualHost vhost(Map<String, Object> item, VirtualHost only) {
    if (only != null) {
      return only;
    }
    VirtualHost v = broker.vhosts().get(string(item, "vhost"));
    if (v == null) {
      throw ApiException.badRequest("vhost_not_found: " + item.get("vhost"));
    }
    return v;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> file, String key) {
    Object value = file.get(key);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List<?> items)) {
      throw ApiException.badRequest(key + " must be a list");
    }
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object item : items) {
      if (!(item instanceof Map<?, ?> m)) {
        throw ApiException.badRequest(key + " must be a list of objects");
      }
      out.add((Map<String, Object>) m);
    }
    return out;
  }

  private static String string(Map<String, Object> item, String key) {
    Object v = item.get(key);
    if (v == null) {
      throw ApiException.badRequest("[{key_missing," + key + "}]");
    }
    return v.toString();
  }
}
