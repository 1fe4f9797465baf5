package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.queue.Consumer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * /api/connections, /api/channels and /api/consumers. Users see their own connections, monitors
 * everyone's; only administrators (or the owner) may close one. Channel state is read on each
 * connection's own event loop.
 */
final class ConnectionsResource {

  private final Broker broker;
  private final Scope scope;
  private final Views views;

  ConnectionsResource(Broker broker, Scope scope, Views views) {
    this.broker = broker;
    this.scope = scope;
    this.views = views;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/connections", Access.ANY, c -> connections(c, null));
    router.add("GET", "/api/vhosts/{vhost}/connections", Access.VHOST, c -> connections(c, vhostParam(c)));
    router.add("GET", "/api/connections/{name}", Access.ANY, this::connection);
    router.add("DELETE", "/api/connections/{name}", Access.ANY, this::close);
    router.add("GET", "/api/connections/{name}/channels", Access.ANY, this::connectionChannels);
    router.add("GET", "/api/channels", Access.ANY, c -> channels(c, null));
    router.add("GET", "/api/vhosts/{vhost}/channels", Access.VHOST, c -> channels(c, vhostParam(c)));
    router.add("GET", "/api/channels/{name}", Access.ANY, this::channel);
    router.add("GET", "/api/consumers", Access.ANY, c -> consumers(c, null));
    router.add("GET", "/api/consumers/{vhost}", Access.VHOST, c -> consumers(c, vhostParam(c)));
  }

  private String vhostParam(Call call) {
    return scope.vhostOrNotFound(call).name();
  }

  private Object connections(Call call, String vhost) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AmqpConnection c : scope.connections(call, vhost)) {
      Integer channels = c.readChannels(List::size);
      out.add(views.connection(c, channels == null ? 0 : channels));
    }
    return Listing.of(call, out);
  }

  /** The connection named in the path, if the caller may see it (monitors see all, others their own). */
  private AmqpConnection named(Call call, boolean forDelete) {
    for (AmqpConnection c : broker.connections()) {
      if (c.user() != null && c.name().equals(call.param("name"))) {
        boolean own = c.user().name().equals(call.user().name());
        if (!own && !(forDelete ? call.isAdmin() : call.isMonitor())) {
          throw ApiException.notAuthorised("User not authorised to access object");
        }
        return c;
      }
    }
    throw ApiException.notFound();
  }

  private Object connection(Call call) {
    AmqpConnection c = named(call, false);
    Integer channels = c.readChannels(List::size);
    return views.connection(c, channels == null ? 0 : channels);
  }

  /** DELETE: closed with 320 CONNECTION_FORCED and the X-Reason header (RabbitMQ's default text otherwise). */
  private Object close(Call call) {
    AmqpConnection c = named(call, true);
    String reason = call.request().header("x-reason");
    c.forceClose(reason == null || reason.isEmpty() ? "Closed via management plugin" : reason);
    return ApiResponse.noContent();
  }

  private Object connectionChannels(Call call) {
    AmqpConnection c = named(call, false);
    return Listing.of(call, channelViews(c, false));
  }

  private List<Map<String, Object>> channelViews(AmqpConnection c, boolean details) {
    List<Map<String, Object>> views = c.readChannels(all -> {
      List<Map<String, Object>> out = new ArrayList<>();
      for (AmqpChannel ch : all) {
        out.add(this.views.channel(c, ch, details));
      }
      out.sort(java.util.Comparator.comparing(m -> (Integer) m.get("number")));
      return out;
    });
    return views == null ? List.of() : views;
  }

  private Object channels(Call call, String vhost) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (AmqpConnection c : scope.connections(call, vhost)) {
      out.addAll(channelViews(c, false));
    }
    return Listing.of(call, out);
  }

  private Object channel(Call call) {
    for (AmqpConnection c : scope.connections(call, null)) {
      for (Map<String, Object> ch : channelViews(c, true)) {
        if (ch.get("name").equals(call.param("name"))) {
          return ch;
        }
      }
    }
    throw ApiException.notFound();
  }

  private Object consumers(Call call, String vhost) {
    List<Map<String, Object>> out = new ArrayList<>();
    // RabbitMQ's rule: monitors see every consumer, other users those on their own channels.
    for (AmqpConnection c : scope.connections(call, vhost)) {
      List<Map<String, Object>> ofConnection = c.readChannels(all -> {
        List<Map<String, Object>> found = new ArrayList<>();
        for (AmqpChannel ch : all) {
          for (Consumer consumer : ch.consumers()) {
            found.add(views.consumer(c, ch, consumer));
          }
        }
        return found;
      });
      if (ofConnection != null) {
        out.addAll(ofConnection);
      }
    }
    return Listing.of(call, out);
  }
}
