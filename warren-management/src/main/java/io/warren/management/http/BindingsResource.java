package io.warren.management.http;

import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * /api/bindings: every binding (including the default exchange's implicit one to each queue,
 * which RabbitMQ lists), and the bindings between one exchange and one queue ("q") or exchange
 * ("e"): listed, created with POST, read and deleted by their properties key.
 */
final class BindingsResource {

  private final Scope scope;
  private final Operations operations;

  BindingsResource(Scope scope, Operations operations) {
    this.scope = scope;
    this.operations = operations;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/bindings", Access.VHOST, this::list);
    router.add("GET", "/api/bindings/{vhost}", Access.VHOST, this::list);
    for (String kind : new String[] {"q", "e"}) {
      String base = "/api/bindings/{vhost}/e/{source}/" + kind + "/{destination}";
      boolean toQueue = kind.equals("q");
      router.add("GET", base, Access.VHOST, c -> between(c, toQueue));
      router.add("POST", base, Access.VHOST, c -> create(c, toQueue));
      router.add("GET", base + "/{props}", Access.VHOST, c -> one(c, toQueue));
      router.add("DELETE", base + "/{props}", Access.VHOST, c -> delete(c, toQueue));
    }
  }

  private Object list(Call call) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VirtualHost v : scope.vhostsInScope(call)) {
      out.addAll(all(v));
    }
    return Listing.of(call, out);
  }

  static List<Map<String, Object>> all(VirtualHost v) {
    List<Map<String, Object>> out = new ArrayList<>();
    v.queues().stream().sorted(Comparator.comparing(AmqpQueue::name)).forEach(q -> out.add(Views.defaultBinding(q)));
    for (Exchange x : QueuesResource.sortedExchanges(v)) {
      for (Binding b : x.bindings()) {
        out.add(Views.binding(b));
      }
    }
    return out;
  }

  private static String source(Call call) {
    String name = call.param("source");
    return name.equals("amq.default") ? "" : name;
  }

  /** The destination named in the path, or 404 when it (or the source exchange) does not exist. */
  private BindingTarget destination(Call call, VirtualHost v, boolean toQueue) {
    if (!source(call).isEmpty() && v.exchange(source(call)) == null) {
      throw ApiException.notFound();
    }
    BindingTarget d = toQueue ? v.queue(call.param("destination")) : v.exchange(call.param("destination"));
    if (d == null) {
      throw ApiException.notFound();
    }
    return d;
  }

  private List<Map<String, Object>> bindingsBetween(Call call, VirtualHost v, boolean toQueue) {
    BindingTarget d = destination(call, v, toQueue);
    List<Map<String, Object>> out = new ArrayList<>();
    if (source(call).isEmpty()) {
      if (d instanceof AmqpQueue q) {
        out.add(Views.defaultBinding(q));
      }
      return out;
    }
    for (Binding b : v.exchange(source(call)).bindings()) {
      if (b.destination() == d) {
        out.add(Views.binding(b));
      }
    }
    return out;
  }

  private Object between(Call call, boolean toQueue) {
    return Listing.of(call, bindingsBetween(call, scope.vhostOrNotFound(call), toQueue));
  }

  private Object create(Call call, boolean toQueue) {
    VirtualHost v = scope.vhostOrNotFound(call);
    BindingTarget d = destination(call, v, toQueue);
    Map<String, Object> body = call.body();
    String key = body.get("routing_key") == null ? "" : body.get("routing_key").toString();
    Map<String, Object> arguments = QueuesResource.argumentsOf(body);
    operations.bind(call, v, source(call), d, toQueue, key, arguments);
    String props = Views.propertiesKey(key, Json.fromAmqpTable(arguments));
    return ApiResponse.created().withHeader("location", props);
  }

  private Map<String, Object> find(Call call, VirtualHost v, boolean toQueue) {
    for (Map<String, Object> b : bindingsBetween(call, v, toQueue)) {
      if (b.get("properties_key").equals(call.param("props"))) {
        return b;
      }
    }
    throw ApiException.notFound();
  }

  private Object one(Call call, boolean toQueue) {
    return find(call, scope.vhostOrNotFound(call), toQueue);
  }

  private Object delete(Call call, boolean toQueue) {
    VirtualHost v = scope.vhostOrNotFound(call);
    BindingTarget d = destination(call, v, toQueue);
    find(call, v, toQueue);
    if (source(call).isEmpty()) {
      // the default exchange's bindings cannot be removed; the vhost refuses as over AMQP
      operations.unbind(call, v, "", d, toQueue, d.name(), Map.of());
    }
    for (Binding b : v.exchange(source(call)).bindings()) {
      if (b.destination() == d && Views.binding(b).get("properties_key").equals(call.param("props"))) {
        operations.unbind(call, v, source(call), d, toQueue, b.bindingKey(), b.arguments());
      }
    }
    return ApiResponse.noContent();
  }
}
