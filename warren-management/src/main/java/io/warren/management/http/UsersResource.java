package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** /api/users and /api/whoami; all but whoami for administrators only. */
final class UsersResource {

  private final Broker broker;

  UsersResource(Broker broker) {
    this.broker = broker;
  }

  void register(ApiRouter router) {
    router.add("GET", "/api/whoami", Access.ANY, c -> Map.of("name", c.user().name(), "tags", sortedTags(c.user())));
    router.add("GET", "/api/users", Access.ADMIN, c -> Listing.of(c, users(u -> true)));
    router.add("GET", "/api/users/without-permissions", Access.ADMIN, c -> Listing.of(c, users(
        u -> broker.permissions().all().stream().noneMatch(e -> e.user().equals(u.name())))));
    router.add("POST", "/api/users/bulk-delete", Access.ADMIN, this::bulkDelete);
    router.add("GET", "/api/users/{name}", Access.ADMIN, c -> view(userOrNotFound(c)));
    router.add("PUT", "/api/users/{name}", Access.ADMIN, this::put);
    router.add("DELETE", "/api/users/{name}", Access.ADMIN, this::delete);
    router.add("GET", "/api/users/{name}/permissions", Access.ADMIN, c -> Listing.of(c,
        PermissionsResource.views(broker, e -> e.user().equals(userOrNotFound(c).name()))));
  }

  static List<String> sortedTags(User u) {
    return u.tags().stream().sorted().toList();
  }

  private List<Map<String, Object>> users(java.util.function.Predicate<User> filter) {
    List<User> all = new ArrayList<>(broker.users().all());
    all.sort(Comparator.comparing(User::name));
    List<Map<String, Object>> out = new ArrayList<>();
    for (User u : all) {
      if (filter.test(u)) {
        out.add(view(u));
      }
    }
    return out;
  }

  static Map<String, Object> view(User u) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", u.name());
    m.put("password_hash", u.passwordHash().toBase64());
    m.put("hashing_algorithm", u.passwordHash().algorithm().rabbitName());
    m.put("tags", sortedTags(u));
    m.put("limits", Map.of());
    return m;
  }

  private User userOrNotFound(Call call) {
    return broker.users().find(call.param("name")).orElseThrow(ApiException::notFound);
  }

  /**
   * PUT {"password" | "password_hash", "tags"}: creates (201) or updates (204) the user. Without
   * either credential a new user cannot log in with a password, and an existing one loses its
   * password, as in RabbitMQ.
   */
  private Object put(Call call) {
    String name = call.param("name");
    boolean existed = broker.users().find(name).isPresent();
    broker.definitions().putUser(userFrom(name, call.body()));
    return existed ? ApiResponse.noContent() : ApiResponse.created();
  }

  /** A user from RabbitMQ's JSON (a PUT body or an entry of a definitions file). */
  static User userFrom(String name, Map<String, Object> body) {
    Set<String> tags;
    if (body.containsKey("tags")) {
      tags = Call.tags(body.get("tags"));
    } else if (body.containsKey("administrator")) {
      tags = QueuesResource.bool(body.get("administrator")) ? Set.of("administrator") : Set.of();
    } else {
      throw ApiException.badRequest("tags_not_present");
    }
    Object password = body.get("password");
    Object hash = body.get("password_hash");
    if (password != null && hash != null) {
      throw ApiException.badRequest("both_password_and_password_hash_are_provided");
    }
    PasswordHash passwordHash;
    if (password != null) {
      passwordHash = PasswordHash.of(password.toString());
    } else if (hash != null) {
      // A hash keeps the algorithm it was made with (RabbitMQ's default, SHA-256, when none is named).
      Object algorithmName = body.get("hashing_algorithm");
      PasswordHash.Algorithm algorithm = algorithmName == null ? PasswordHash.Algorithm.SHA256
          : PasswordHash.Algorithm.fromRabbitName(algorithmName.toString()).orElseThrow(
              () -> ApiException.badRequest("unknown hashing_algorithm " + algorithmName));
      try {
        passwordHash = PasswordHash.fromBase64(algorithm, hash.toString());
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("invalid password_hash");
      }
    } else {
      passwordHash = PasswordHash.none(); // no password login, as RabbitMQ's passwordless users
    }
    return new User(name, passwordHash, Set.copyOf(tags));
  }

  private Object delete(Call call) {
    if (!broker.definitions().deleteUser(call.param("name"))) {
      throw ApiException.notFound();
    }
    return ApiResponse.noContent();
  }

  private Object bulkDelete(Call call) {
    if (!(call.require("users").get("users") instanceof List<?> names)) {
      throw ApiException.badRequest("users must be a list");
    }
    for (Object n : names) {
      broker.definitions().deleteUser(String.valueOf(n));
    }
    return ApiResponse.noContent();
  }
}
