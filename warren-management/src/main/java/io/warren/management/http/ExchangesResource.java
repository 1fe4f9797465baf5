package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** /api/exchanges: listing, declare (PUT), delete, publish, and an exchange's bindings. */
final class ExchangesResource {

  private final Scope scope;
  private final Views views;
  private final Operations operations;

  ExchangesResource(Scope scope, Views views, Operations operations) {
    this.scope = scope;
    this.views = views;
    this.operations = operations;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/exchanges", Access.VHOST, this::list);
    router.add("GET", "/api/exchanges/{vhost}", Access.VHOST, this::list);
    router.add("GET", "/api/exchanges/{vhost}/{name}", Access.VHOST, this::get);
    router.add("PUT", "/api/exchanges/{vhost}/{name}", Access.VHOST, this::put);
    router.add("DELETE", "/api/exchanges/{vhost}/{name}", Access.VHOST, this::delete);
    router.add("GET", "/api/exchanges/{vhost}/{name}/bindings/source", Access.VHOST, c -> bindings(c, true));
    router.add("GET", "/api/exchanges/{vhost}/{name}/bindings/destination", Access.VHOST, c -> bindings(c, false));
    router.add("POST", "/api/exchanges/{vhost}/{name}/publish", Access.VHOST, this::publish);
  }

  private Object list(Call call) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (VirtualHost v : scope.vhostsInScope(call)) {
      out.add(views.defaultExchange(v, false));
      for (Exchange x : QueuesResource.sortedExchanges(v)) {
        out.add(views.exchange(x, false));
      }
    }
    return Listing.of(call, out);
  }

  /** The path's exchange name: "amq.default" means the default exchange, as in RabbitMQ's URLs. */
  private static String exchangeName(Call call) {
    String name = call.param("name");
    return name.equals("amq.default") ? "" : name;
  }

  private Exchange exchangeOrNotFound(Call call) {
    Exchange x = scope.vhostOrNotFound(call).exchange(exchangeName(call));
    if (x == null) {
      throw ApiException.notFound();
    }
    return x;
  }

  private Object get(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    if (exchangeName(call).isEmpty()) {
      return views.defaultExchange(v, true);
    }
    return views.exchange(exchangeOrNotFound(call), true);
  }

  private Object put(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    Map<String, Object> body = call.body();
    // missing fields take exchange.declare's defaults, as RabbitMQ's management plugin sends it
    String type = body.get("type") == null ? "direct" : body.get("type").toString();
    boolean created = operations.declareExchange(call, v, exchangeName(call), type,
        QueuesResource.bool(body.get("durable")), QueuesResource.bool(body.get("auto_delete")), QueuesResource.bool(body.get("internal")),
        QueuesResource.argumentsOf(body));
    return created ? ApiResponse.created() : ApiResponse.noContent();
  }

  private Object delete(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    if (!exchangeName(call).isEmpty()) {
      exchangeOrNotFound(call);
    }
    operations.deleteExchange(call, v, exchangeName(call), call.flag("if-unused"));
    return ApiResponse.noContent();
  }

  private Object bindings(Call call, boolean asSource) {
    VirtualHost v = scope.vhostOrNotFound(call);
    String name = exchangeName(call);
    List<Map<String, Object>> out = new ArrayList<>();
    if (name.isEmpty()) {
      if (asSource) {
        v.queues().stream().sorted(java.util.Comparator.comparing(AmqpQueue::name))
            .forEach(q -> out.add(Views.defaultBinding(q)));
      }
      return Listing.of(call, out);
    }
    Exchange x = exchangeOrNotFound(call);
    if (asSource) {
      for (Binding b : x.bindings()) {
        out.add(Views.binding(b));
      }
    } else {
      for (Exchange source : QueuesResource.sortedExchanges(v)) {
        for (Binding b : source.bindings()) {
          if (b.destination() == x) {
            out.add(Views.binding(b));
          }
        }
      }
    }
    return Listing.of(call, out);
  }

  /**
   * POST .../publish {"routing_key", "properties", "payload", "payload_encoding"} → {"routed": bool}.
   * Published mandatory, as RabbitMQ's management plugin does; broker errors come back as 400
   * with the AMQP code and text.
   */
  private Object publish(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    Map<String, Object> body = call.require("routing_key", "properties", "payload", "payload_encoding");
    if (!(body.get("payload") instanceof String payload)) {
      throw ApiException.badRequest("payload_not_string");
    }
    byte[] bytes = switch (body.get("payload_encoding").toString()) {
      case "string" -> payload.getBytes(StandardCharsets.UTF_8);
      case "base64" -> {
        try {
          yield Base64.getDecoder().decode(payload);
        } catch (IllegalArgumentException e) {
          throw ApiException.badRequest("not_base64");
        }
      }
      default -> throw ApiException.badRequest("unsupported payload_encoding");
    };
    Map<?, ?> properties = body.get("properties") instanceof Map<?, ?> p ? p : Map.of();
    boolean routed;
    try {
      routed = operations.publish(call, v, exchangeName(call), body.get("routing_key").toString(),
          PropertiesJson.fromJson(properties), bytes);
    } catch (AmqpException e) {
      throw ApiException.badRequest(e.code().code() + " " + e.replyText());
    }
    return Map.of("routed", routed);
  }
}
