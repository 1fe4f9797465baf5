package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.auth.PermissionRegistry;
import io.warren.broker.auth.Permissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** /api/permissions: each user's configure/write/read expressions per vhost (administrators only). */
final class PermissionsResource {

  private final Broker broker;

  PermissionsResource(Broker broker) {
    this.broker = broker;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/permissions", Access.ADMIN, c -> Listing.of(c, views(broker, e -> true)));
    router.add("GET", "/api/permissions/{vhost}/{user}", Access.ADMIN, this::get);
    router.add("PUT", "/api/permissions/{vhost}/{user}", Access.ADMIN, this::put);
    router.add("DELETE", "/api/permissions/{vhost}/{user}", Access.ADMIN, this::delete);
  }

  static List<Map<String, Object>> views(Broker broker, Predicate<PermissionRegistry.Entry> filter) {
    List<PermissionRegistry.Entry> all = new ArrayList<>(broker.permissions().all());
    all.sort(Comparator.comparing(PermissionRegistry.Entry::user).thenComparing(PermissionRegistry.Entry::vhost));
    List<Map<String, Object>> out = new ArrayList<>();
    for (PermissionRegistry.Entry e : all) {
      if (filter.test(e)) {
        out.add(view(e.user(), e.vhost(), e.permissions()));
      }
    }
    return out;
  }

  static Map<String, Object> view(String user, String vhost, Permissions p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user", user);
    m.put("vhost", vhost);
    m.put("configure", p.configure());
    m.put("write", p.write());
    m.put("read", p.read());
    return m;
  }

  private Object get(Call call) {
    Permissions p = broker.permissions().find(call.param("user"), call.param("vhost"));
    if (p == null || broker.users().find(call.param("user")).isEmpty()) {
      throw ApiException.notFound();
    }
    return view(call.param("user"), call.param("vhost"), p);
  }

  private Object put(Call call) {
    Map<String, Object> body = call.require("configure", "write", "read");
    String user = call.param("user");
    String vhost = call.param("vhost");
    if (broker.users().find(user).isEmpty() || broker.vhosts().get(vhost) == null) {
      throw ApiException.badRequest("vhost_or_user_not_found");
    }
    boolean existed = broker.permissions().find(user, vhost) != null;
    Permissions p;
    try {
      p = Permissions.of(body.get("configure").toString(), body.get("write").toString(), body.get("read").toString());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    broker.definitions().setPermissions(user, vhost, p);
    return existed ? ApiResponse.noContent() : ApiResponse.created();
  }

  private Object delete(Call call) {
    if (!broker.definitions().clearPermissions(call.param("user"), call.param("vhost"))) {
      throw ApiException.notFound();
    }
    return ApiResponse.noContent();
  }
}
