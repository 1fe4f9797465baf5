package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.BrokerDefinitions.VhostMetadata;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.exchange.ExchangeType;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One definitions file imported all or nothing. The whole file is read and checked first, each
 * entry against the broker as it is and against the rest of the file (a queue of a vhost the
 * file creates, a binding to an exchange it declares); only then does the broker change, in
 * dependency order, with a note of how to undo each step, so that a failure no check foresaw
 * (someone else changing the broker meanwhile) still leaves it as it was.
 */
final class DefinitionsImport {

  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsImport.class);

  private record VhostDef(String name, VhostMetadata metadata) {
  }

  private record PermissionDef(String user, String vhost, Permissions permissions) {
  }

  private record QueueDef(String vhost, String name, boolean durable, boolean autoDelete, Map<String, Object> args) {
  }

  private record ExchangeDef(String vhost, String name, String type, boolean durable, boolean autoDelete,
      boolean internal, Map<String, Object> args) {
  }

  private record BindingDef(String vhost, String source, String destination, boolean toExchange, String key,
      Map<String, Object> args) {
  }

  private final Broker broker;
  private final VirtualHost only;
  private final List<User> users = new ArrayList<>();
  private final List<VhostDef> vhosts = new ArrayList<>();
  private final List<PermissionDef> permissions = new ArrayList<>();
  private final List<QueueDef> queues = new ArrayList<>();
  private final List<ExchangeDef> exchanges = new ArrayList<>();
  private final List<BindingDef> bindings = new ArrayList<>();
  /** How to put back each change made so far, the latest first. */
  private final Deque<Runnable> undo = new ArrayDeque<>();

  private DefinitionsImport(Broker broker, VirtualHost only) {
    this.broker = broker;
    this.only = only;
  }

  /**
   * Imports the file into the broker, or into the vhost {@code only} (then users, vhosts and
   * permissions are not read, as in RabbitMQ); 400 with the first problem, changing nothing.
   */
  static void run(Broker broker, Map<String, Object> file, VirtualHost only) {
    DefinitionsImport in = new DefinitionsImport(broker, only);
    try {
      in.read(file);
      in.validate();
    } catch (AmqpException e) {
      throw ApiException.badRequest(e.getMessage());
    } catch (IllegalArgumentException e) {
      LOG.info("definitions import refused", e);
      throw ApiException.badRequest("invalid definitions");
    }
    in.apply();
    for (String ignored : new String[] {"policies", "parameters", "global_parameters", "topic_permissions"}) {
      if (!list(file, ignored).isEmpty()) {
        LOG.info("definitions import: {} are not supported by Warren and were ignored", ignored);
      }
    }
  }

  // ---- reading ----

  private void read(Map<String, Object> file) {
    if (only == null) {
      for (Map<String, Object> u : list(file, "users")) {
        users.add(UsersResource.userFrom(string(u, "name"), u));
      }
      for (Map<String, Object> v : list(file, "vhosts")) {
        Object description = v.get("description");
        vhosts.add(new VhostDef(string(v, "name"), new VhostMetadata(description == null ? "" : description.toString(),
            List.copyOf(Call.tags(v.get("tags"))))));
      }
      for (Map<String, Object> p : list(file, "permissions")) {
        try {
          permissions.add(new PermissionDef(string(p, "user"), string(p, "vhost"),
              Permissions.of(string(p, "configure"), string(p, "write"), string(p, "read"))));
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest(e.getMessage()); // names the expression that does not compile
        }
      }
    }
    for (Map<String, Object> q : list(file, "queues")) {
      queues.add(new QueueDef(vhostName(q), string(q, "name"), QueuesResource.bool(q.get("durable")),
          QueuesResource.bool(q.get("auto_delete")), QueuesResource.argumentsOf(q)));
    }
    for (Map<String, Object> x : list(file, "exchanges")) {
      exchanges.add(new ExchangeDef(vhostName(x), string(x, "name"), string(x, "type"),
          QueuesResource.bool(x.get("durable")), QueuesResource.bool(x.get("auto_delete")),
          QueuesResource.bool(x.get("internal")), QueuesResource.argumentsOf(x)));
    }
    for (Map<String, Object> b : list(file, "bindings")) {
      String source = string(b, "source");
      if (source.isEmpty()) {
        continue; // the default exchange's bindings are implicit
      }
      bindings.add(new BindingDef(vhostName(b), source, string(b, "destination"),
          "exchange".equals(b.get("destination_type")),
          b.get("routing_key") == null ? "" : b.get("routing_key").toString(), QueuesResource.argumentsOf(b)));
    }
  }

  private String vhostName(Map<String, Object> item) {
    return only != null ? only.name() : string(item, "vhost");
  }

  // ---- checking, before anything changes ----

  private void validate() {
    Set<String> fileUsers = new HashSet<>();
    users.forEach(u -> fileUsers.add(u.name()));
    Map<String, VirtualHost> checked = new HashMap<>();
    for (VhostDef v : vhosts) {
      // a vhost the file creates is checked against an empty one, which has only the amq.* exchanges
      checked.computeIfAbsent(v.name(), name -> Optional.ofNullable(broker.vhosts().get(name))
          .orElseGet(() -> new VirtualHost(name)));
    }
    for (PermissionDef p : permissions) {
      if ((broker.users().find(p.user()).isEmpty() && !fileUsers.contains(p.user()))
          || (broker.vhosts().get(p.vhost()) == null && !checked.containsKey(p.vhost()))) {
        throw ApiException.badRequest("vhost_or_user_not_found");
      }
    }
    Map<String, Set<String>> fileQueues = new HashMap<>();
    for (QueueDef q : queues) {
      vhostToCheck(checked, q.vhost()).checkQueueDeclarable(q.name(), false, q.durable(), false, q.autoDelete(),
          q.args(), null);
      fileQueues.computeIfAbsent(q.vhost(), k -> new HashSet<>()).add(q.name());
    }
    Map<String, Map<String, ExchangeType>> fileExchanges = new HashMap<>();
    for (ExchangeDef x : exchanges) {
      ExchangeType type = vhostToCheck(checked, x.vhost()).checkExchangeDeclarable(x.name(), x.type(), x.durable(),
          x.autoDelete(), x.internal(), x.args());
      fileExchanges.computeIfAbsent(x.vhost(), k -> new HashMap<>()).put(x.name(), type);
    }
    for (BindingDef b : bindings) {
      VirtualHost v = vhostToCheck(checked, b.vhost());
      Map<String, ExchangeType> declared = fileExchanges.getOrDefault(b.vhost(), Map.of());
      ExchangeType sourceType = declared.containsKey(b.source()) ? declared.get(b.source())
          : v.checkBindingSource(b.source()).type();
      VirtualHost.checkBindingArguments(sourceType, b.args());
      if (b.toExchange()) {
        if (!declared.containsKey(b.destination())) {
          v.bindingDestinationExchange(b.destination());
        }
      } else if (!fileQueues.getOrDefault(b.vhost(), Set.of()).contains(b.destination())) {
        v.queueOrThrow(b.destination());
      }
    }
  }

  private VirtualHost vhostToCheck(Map<String, VirtualHost> checked, String name) {
    VirtualHost v = checked.get(name);
    if (v == null) {
      v = broker.vhosts().get(name);
    }
    if (v == null) {
      throw ApiException.badRequest("vhost_not_found: " + name);
    }
    return v;
  }

  // ---- applying, undone on failure ----

  private void apply() {
    try {
      applyAll();
    } catch (RuntimeException e) {
      LOG.warn("definitions import failed while applying ({}); undoing its {} changes", e.getMessage(), undo.size());
      while (!undo.isEmpty()) {
        try {
          undo.pop().run();
        } catch (RuntimeException undoFailed) {
          LOG.warn("definitions import: undoing a change failed", undoFailed);
        }
      }
      if (e instanceof ApiException api) {
        throw api;
      }
      throw ApiException.badRequest(e instanceof AmqpException ? e.getMessage() : "definitions import failed");
    }
  }

  private void applyAll() {
    BrokerDefinitions d = broker.definitions();
    for (User u : users) {
      Optional<User> before = broker.users().find(u.name());
      d.putUser(u);
      undo.push(() -> before.ifPresentOrElse(d::putUser, () -> d.deleteUser(u.name())));
    }
    for (VhostDef v : vhosts) {
      boolean existed = broker.vhosts().get(v.name()) != null;
      VhostMetadata before = d.vhostMetadata(v.name());
      d.addVhost(v.name(), v.metadata());
      undo.push(() -> {
        if (existed) {
          d.addVhost(v.name(), before);
        } else {
          d.deleteVhost(v.name());
        }
      });
    }
    for (PermissionDef p : permissions) {
      Permissions before = broker.permissions().find(p.user(), p.vhost());
      d.setPermissions(p.user(), p.vhost(), p.permissions());
      undo.push(() -> {
        if (before != null) {
          d.setPermissions(p.user(), p.vhost(), before);
        } else {
          d.clearPermissions(p.user(), p.vhost());
        }
      });
    }
    for (QueueDef q : queues) {
      VirtualHost v = existingVhost(q.vhost());
      boolean existed = v.queue(q.name()) != null;
      AmqpQueue declared = v.declareQueue(q.name(), false, q.durable(), false, q.autoDelete(), q.args(), null);
      if (!existed) {
        undo.push(() -> v.removeQueue(declared));
      }
    }
    for (ExchangeDef x : exchanges) {
      VirtualHost v = existingVhost(x.vhost());
      boolean existed = v.exchange(x.name()) != null;
      v.declareExchange(x.name(), x.type(), x.durable(), x.autoDelete(), x.internal(), x.args());
      if (!existed) {
        undo.push(() -> v.deleteExchange(x.name(), false));
      }
    }
    for (BindingDef b : bindings) {
      VirtualHost v = existingVhost(b.vhost());
      BindingTarget target = b.toExchange() ? v.bindingDestinationExchange(b.destination())
          : v.queueOrThrow(b.destination());
      if (v.bind(b.source(), target, b.key(), b.args())) {
        undo.push(() -> v.unbind(b.source(), target, b.key(), b.args()));
      }
    }
  }

  private VirtualHost existingVhost(String name) {
    VirtualHost v = only != null ? only : broker.vhosts().get(name);
    if (v == null) {
      throw ApiException.badRequest("vhost_not_found: " + name);
    }
    return v;
  }

  // ---- the file's shape ----

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> file, String key) {
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
