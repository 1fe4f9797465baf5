package io.warren.management.http;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.auth.User;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Routes {@code /api/...} requests to resources after HTTP basic authentication with the
 * broker's users and RabbitMQ's tag rules, and serves the web UI's static files from the
 * classpath folder {@code www/} for every other path. Errors become RabbitMQ's JSON error
 * bodies; an {@link AmqpException} from the broker becomes what RabbitMQ's management plugin
 * makes of it (404, 401 "Access refused.", or 400 with the text).
 */
public final class ApiRouter implements java.util.function.Function<ApiRequest, ApiResponse> {

  /** What a route does; returns an {@link ApiResponse}, or any value to send as JSON with 200. */
  @FunctionalInterface
  public interface Handler {
    Object handle(Call call);
  }

  private record Route(String method, String[] pattern, Access access, Handler handler) {
  }

  private static final String REALM = "Basic realm=\"RabbitMQ Management\"";
  private static final Map<String, String> CONTENT_TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "json", ApiResponse.JSON,
      "png", "image/png", "svg", "image/svg+xml", "ico", "image/x-icon", "txt", "text/plain; charset=utf-8");

  private final Broker broker;
  private final List<Route> routes = new ArrayList<>();

  public ApiRouter(Broker broker) {
    this.broker = broker;
  }

  /** Adds a route; {@code pattern} like "/api/queues/{vhost}/{name}". */
  public void add(String method, String pattern, Access access, Handler handler) {
    routes.add(new Route(method, pattern.substring(1).split("/"), access, handler));
  }

  @Override
  public ApiResponse apply(ApiRequest request) {
    try {
      if (request.segments().isEmpty() || !request.segments().get(0).equals("api")) {
        return staticFile(request);
      }
      return route(request);
    } catch (ApiException e) {
      return error(e);
    }
  }

  /**
   * The {@link RequestGate} of the management server: an API request that will be refused (no
   * such path or method, no or wrong credentials, no access) is answered from its head, before
   * its body is read, as cowboy_rest checks is_authorized before reading a body. Static files
   * have no body worth refusing.
   */
  public ApiResponse refuseBeforeBody(ApiRequest head) {
    if (head.segments().isEmpty() || !head.segments().get(0).equals("api")) {
      return null;
    }
    try {
      return admit(head).refusal();
    } catch (ApiException e) {
      return error(e);
    }
  }

  /** A request that may go to its route's handler, or the answer refusing it. */
  private record Admission(Route route, Call call, ApiResponse refusal) {
  }

  private Admission admit(ApiRequest request) {
    boolean pathKnown = false;
    for (Route r : routes) {
      Map<String, String> params = match(r.pattern, request.segments());
      if (params == null) {
        continue;
      }
      pathKnown = true;
      if (!r.method.equals(request.method()) && !(r.method.equals("GET") && request.method().equals("HEAD"))) {
        continue;
      }
      Optional<User> user = authenticate(request);
      if (user.isEmpty()) {
        return new Admission(null, null, new ApiResponse(401, null, new byte[0], Map.of("www-authenticate", REALM)));
      }
      Call call = new Call(request, params, user.get());
      authorise(r.access, call);
      return new Admission(r, call, null);
    }
    if (pathKnown) {
      return new Admission(null, null, new ApiResponse(405, null, new byte[0], Map.of()));
    }
    throw ApiException.notFound();
  }

  private ApiResponse route(ApiRequest request) {
    Admission admission = admit(request);
    return admission.refusal() != null ? admission.refusal() : answer(admission.route().handler(), admission.call());
  }

  private static Map<String, String> match(String[] pattern, List<String> segments) {
    if (pattern.length != segments.size()) {
      return null;
    }
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{")) {
        params.put(p.substring(1, p.length() - 1), segments.get(i));
      } else if (!p.equals(segments.get(i))) {
        return null;
      }
    }
    return params;
  }

  private static ApiResponse answer(Handler handler, Call call) {
    Object result;
    try {
      result = handler.handle(call);
    } catch (AmqpException e) {
      throw fromAmqp(e);
    }
    if (result instanceof ApiResponse response) {
      return response;
    }
    return ApiResponse.json(200, Json.write(result));
  }

  /** As RabbitMQ's direct requests report broker errors (without the "CODE - " prefix). */
  public static ApiException fromAmqp(AmqpException e) {
    return switch (e.code()) {
      case NOT_FOUND -> ApiException.notFound(e.getMessage());
      case ACCESS_REFUSED, NOT_ALLOWED -> ApiException.notAuthorised("Access refused.");
      default -> ApiException.badRequest(e.getMessage());
    };
  }

  // ---- authentication and tags ----

  /** Basic auth: empty when the request carries no credentials (answered with a bare 401). */
  private Optional<User> authenticate(ApiRequest request) {
    String header = request.header("authorization");
    if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw loginFailed();
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      throw loginFailed();
    }
    User user = broker.users().authenticate(decoded.substring(0, colon), decoded.substring(colon + 1))
        .orElseThrow(ApiRouter::loginFailed);
    if (broker.config().loopbackOnlyUsers() && user.name().equals(broker.config().defaultUser())
        && (request.remote() == null || !request.remote().isLoopbackAddress())) {
      throw ApiException.notAuthorised("User can only log in via localhost");
    }
    if (!isManagementUser(user)) {
      throw ApiException.notAuthorised("Not management user");
    }
    return Optional.of(user);
  }

  private static ApiException loginFailed() {
    return new ApiException(401, "not_authorized", "Login failed");
  }

  private static boolean isManagementUser(User user) {
    for (String tag : user.tags()) {
      switch (tag) {
        case "administrator", "monitoring", "policymaker", "management" -> {
          return true;
        }
        default -> {
        }
      }
    }
    return false;
  }

  private void authorise(Access access, Call call) {
    switch (access) {
      case ANY -> {
      }
      case MONITOR -> {
        if (!call.isMonitor()) {
          throw ApiException.notAuthorised("Not monitor user");
        }
      }
      case ADMIN -> {
        if (!call.isAdmin()) {
          throw ApiException.notAuthorised("Not administrator user");
        }
      }
      case VHOST -> {
        String vhost = call.param("vhost");
        if (!call.isAdmin() && vhost != null && broker.vhosts().get(vhost) != null
            && broker.permissions().find(call.user().name(), vhost) == null) {
          throw ApiException.notAuthorised("User not authorised to access virtual host");
        }
      }
      default -> throw new IllegalStateException(access.toString());
    }
  }

  // ---- errors and static files ----

  private static ApiResponse error(ApiException e) {
    Map<String, Object> body = new java.util.LinkedHashMap<>();
    body.put("error", e.error());
    body.put("reason", e.reason());
    ApiResponse response = ApiResponse.json(e.status(), Json.write(body));
    return "not_authorized".equals(e.error()) ? response.withHeader("www-authenticate", REALM) : response;
  }

  private static ApiResponse staticFile(ApiRequest request) {
    if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
      return new ApiResponse(405, null, new byte[0], Map.of());
    }
    String path = request.segments().isEmpty() ? "index.html" : String.join("/", request.segments());
    if (path.contains("..")) {
      throw ApiException.notFound();
    }
    try (InputStream in = ApiRouter.class.getClassLoader().getResourceAsStream("www/" + path)) {
      if (in == null) {
        throw ApiException.notFound();
      }
      String extension = path.substring(path.lastIndexOf('.') + 1);
      return new ApiResponse(200, CONTENT_TYPES.getOrDefault(extension, "application/octet-stream"),
          in.readAllBytes(), Map.of("cache-control", "no-cache"));
    } catch (IOException e) {
      throw ApiException.notFound();
    }
  }
}
