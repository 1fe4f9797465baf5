package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.Consumer;
import io.warren.broker.queue.QueueEntry;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * /api/queues: listing, declare (PUT), delete, purge (DELETE .../contents), get (POST .../get)
 * and a queue's bindings.
 */
final class QueuesResource {

  private final Scope scope;
  private final Views views;
  private final Operations operations;

  QueuesResource(Scope scope, Views views, Operations operations) {
    this.scope = scope;
    this.views = views;
    this.operations = operations;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/queues", Access.VHOST, this::list);
    router.add("GET", "/api/queues/{vhost}", Access.VHOST, this::list);
    router.add("GET", "/api/queues/{vhost}/{name}", Access.VHOST, this::get);
    router.add("PUT", "/api/queues/{vhost}/{name}", Access.VHOST, this::put);
    router.add("DELETE", "/api/queues/{vhost}/{name}", Access.VHOST, this::delete);
    router.add("GET", "/api/queues/{vhost}/{name}/bindings", Access.VHOST, this::bindings);
    router.add("DELETE", "/api/queues/{vhost}/{name}/contents", Access.VHOST, this::purge);
    router.add("POST", "/api/queues/{vhost}/{name}/get", Access.VHOST, this::getMessages);
  }

  private Object list(Call call) {
    Map<Object, AmqpConnection> owners = scope.connectionsByOwner();
    List<Map<String, Object>> out = new ArrayList<>();
    for (VirtualHost v : scope.vhostsInScope(call)) {
      List<AmqpQueue> queues = new ArrayList<>(v.queues());
      queues.sort(Comparator.comparing(AmqpQueue::name));
      for (AmqpQueue q : queues) {
        out.add(views.queue(q, owners, false, List.of()));
      }
    }
    return Listing.of(call, out);
  }

  private AmqpQueue queueOrNotFound(Call call) {
    AmqpQueue q = scope.vhostOrNotFound(call).queue(call.param("name"));
    if (q == null) {
      throw ApiException.notFound();
    }
    return q;
  }

  private Object get(Call call) {
    AmqpQueue q = queueOrNotFound(call);
    Map<AmqpChannel, AmqpConnection> channels = scope.channelOwners();
    List<Map<String, Object>> consumers = new ArrayList<>();
    for (Consumer c : q.consumers()) {
      if (c.owner() instanceof AmqpChannel ch && channels.get(ch) instanceof AmqpConnection conn) {
        consumers.add(views.consumer(conn, ch, c));
      }
    }
    return views.queue(q, scope.connectionsByOwner(), true, consumers);
  }

  private Object put(Call call) {
    VirtualHost v = scope.vhostOrNotFound(call);
    Map<String, Object> body = call.body();
    boolean created = operations.declareQueue(call, v, call.param("name"), bool(body.get("durable")),
        bool(body.get("auto_delete")), argumentsOf(body));
    return created ? ApiResponse.created() : ApiResponse.noContent();
  }

  static boolean bool(Object value) {
    return value instanceof Boolean b ? b : "true".equals(String.valueOf(value));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> argumentsOf(Map<String, Object> body) {
    Object args = body.get("arguments");
    return args instanceof Map<?, ?> m ? Json.toAmqpTable(m) : new LinkedHashMap<>();
  }

  private Object delete(Call call) {
    AmqpQueue q = queueOrNotFound(call);
    operations.deleteQueue(call, scope.vhostOrNotFound(call), q.name(), call.flag("if-unused"), call.flag("if-empty"));
    return ApiResponse.noContent();
  }

  private Object purge(Call call) {
    AmqpQueue q = queueOrNotFound(call);
    try {
      operations.purgeQueue(call, scope.vhostOrNotFound(call), q.name());
    } catch (AmqpException e) {
      throw Operations.overChannel(e);
    }
    return ApiResponse.noContent();
  }

  private Object bindings(Call call) {
    AmqpQueue q = queueOrNotFound(call);
    VirtualHost v = scope.vhostOrNotFound(call);
    List<Map<String, Object>> out = new ArrayList<>();
    out.add(Views.defaultBinding(q));
    for (Exchange x : sortedExchanges(v)) {
      for (Binding b : x.bindings()) {
        if (b.destination() == q) {
          out.add(Views.binding(b));
        }
      }
    }
    return Listing.of(call, out);
  }

  static List<Exchange> sortedExchanges(VirtualHost v) {
    List<Exchange> all = new ArrayList<>(v.exchanges());
    all.sort(Comparator.comparing(Exchange::name));
    return all;
  }

  /**
   * POST .../get {"count", "ackmode", "encoding", "truncate"}: ack_requeue_true and
   * reject_requeue_true put the messages back (marked redelivered), ack_requeue_false takes them
   * for good, reject_requeue_false drops them.
   */
  private Object getMessages(Call call) {
    queueOrNotFound(call);
    VirtualHost v = scope.vhostOrNotFound(call);
    Map<String, Object> body = call.require("ackmode", "count", "encoding");
    String ackMode = body.get("ackmode").toString();
    boolean requeue;
    boolean noAck = false;
    switch (ackMode) {
      case "ack_requeue_true", "reject_requeue_true" -> requeue = true;
      case "ack_requeue_false" -> {
        requeue = false;
        noAck = true;
      }
      case "reject_requeue_false" -> requeue = false;
      default -> throw ApiException.badRequest("Unsupported ackmode. Please use ack_requeue_true, "
          + "ack_requeue_false, reject_requeue_true or reject_requeue_false.");
    }
    String encoding = body.get("encoding").toString();
    if (!encoding.equals("auto") && !encoding.equals("base64")) {
      throw ApiException.badRequest("Unsupported encoding. Please use auto or base64.");
    }
    int count = intValue(body.get("count"), "count");
    Integer truncate = body.get("truncate") == null ? null : intValue(body.get("truncate"), "truncate");
    List<QueueEntry> taken;
    try {
      taken = operations.get(call, v, call.param("name"), count, noAck);
    } catch (AmqpException e) {
      throw Operations.overChannel(e);
    }
    AmqpQueue q = v.queue(call.param("name"));
    List<Map<String, Object>> out = new ArrayList<>();
    int remaining = q == null ? 0 : q.messageCount();
    for (int i = 0; i < taken.size(); i++) {
      QueueEntry e = taken.get(i);
      byte[] payload = e.message().body();
      if (truncate != null && payload.length > truncate) {
        payload = java.util.Arrays.copyOf(payload, truncate);
      }
      String[] text = Json.payload(payload, encoding.equals("base64"));
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("payload_bytes", e.message().bodySize());
      m.put("redelivered", e.redelivered());
      m.put("exchange", e.message().exchange());
      m.put("routing_key", e.message().routingKey());
      m.put("message_count", remaining + taken.size() - 1 - i); // as basic.get-ok counted it
      m.put("properties", PropertiesJson.toJson(e.message().properties()));
      m.put("payload", text[0]);
      m.put("payload_encoding", text[1]);
      out.add(m);
    }
    if (q != null && !taken.isEmpty() && !noAck) {
      if (requeue) {
        q.requeue(new ArrayList<>(taken));
      } else {
        q.settle(taken);
      }
    }
    return out;
  }

  static int intValue(Object value, String key) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(String.valueOf(value));
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("invalid value for " + key + ": " + value);
    }
  }
}
