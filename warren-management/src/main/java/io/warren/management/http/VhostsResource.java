package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.Permissions;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /api/vhosts: listing (what the caller may see), create (PUT), delete, and a vhost's permissions. */
final class VhostsResource {

  private final Broker broker;
  private final Scope scope;
  private final Views views;

  VhostsResource(Broker broker, Scope scope, Views views) {
    this.broker = broker;
    this.scope = scope;
    this.views = views;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/vhosts", Access.ANY, this::list);
    router.add("GET", "/api/vhosts/{vhost}", Access.ADMIN, c -> view(scope.vhostOrNotFound(c)));
    router.add("PUT", "/api/vhosts/{vhost}", Access.ADMIN, this::put);
    router.add("DELETE", "/api/vhosts/{vhost}", Access.ADMIN, this::delete);
    router.add("GET", "/api/vhosts/{vhost}/permissions", Access.ADMIN, this::permissions);
  }

  private Object list(Call call) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VirtualHost v : scope.visibleVhosts(call)) {
      out.add(view(v));
    }
    return Listing.of(call, out);
  }

  Map<String, Object> view(VirtualHost v) {
    BrokerDefinitions.VhostMetadata meta = broker.definitions().vhostMetadata(v.name());
    long ready = 0;
    long unacked = 0;
    for (AmqpQueue q : v.queues()) {
      ready += q.messageCount();
      unacked += q.unackedCount();
    }
    Map<String, Object> rate = Map.of("rate", 0.0);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("cluster_state", Map.of(views.node(), "running"));
    m.put("default_queue_type", "undefined");
    m.put("description", meta.description());
    m.put("message_stats", views.messageStats(v.stats(), Views.CHANNEL_STATS));
    m.put("messages", ready + unacked);
    m.put("messages_details", rate);
    m.put("messages_ready", ready);
    m.put("messages_ready_details", rate);
    m.put("messages_unacknowledged", unacked);
    m.put("messages_unacknowledged_details", rate);
    m.put("metadata", Map.of("description", meta.description(), "tags", meta.tags()));
    m.put("name", v.name());
    m.put("recv_oct", 0);
    m.put("recv_oct_details", rate);
    m.put("send_oct", 0);
    m.put("send_oct_details", rate);
    m.put("tags", meta.tags());
    m.put("tracing", false);
    return m;
  }

  /** Creates the vhost and, as RabbitMQ does, gives its creator full permissions in it. */
  private Object put(Call call) {
    String name = call.param("vhost");
    Map<String, Object> body = call.body();
    boolean existed = broker.vhosts().get(name) != null;
    BrokerDefinitions.VhostMetadata old = broker.definitions().vhostMetadata(name);
    String description = body.containsKey("description") ? String.valueOf(body.get("description"))
        : existed ? old.description() : "";
    List<String> tags = body.containsKey("tags") ? List.copyOf(Call.tags(body.get("tags")))
        : existed ? old.tags() : List.of();
    broker.definitions().addVhost(name, new BrokerDefinitions.VhostMetadata(description, tags));
    if (existed) {
      return ApiResponse.noContent();
    }
    broker.definitions().setPermissions(call.user().name(), name, Permissions.FULL);
    return ApiResponse.created();
  }

  private Object delete(Call call) {
    if (!broker.definitions().deleteVhost(call.param("vhost"))) {
      throw ApiException.notFound();
    }
    return ApiResponse.noContent();
  }

  private Object permissions(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    return Listing.of(call, PermissionsResource.views(broker, e -> e.vhost().equals(v.name())));
  }
}
