package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.management.metrics.RateSampler;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;

/** Wires every /api resource into one router. */
public final class ManagementApi {

  /**
   * The RabbitMQ release whose management API this one matches, reported as rabbitmq_version and
   * management_version: tools such as rabbitmqadmin choose their requests by it.
   */
  public static final String RABBITMQ_VERSION = "3.10.8";
  public static final String PRODUCT_VERSION = io.warren.broker.WarrenVersion.current();

  private ManagementApi() {
  }

  public static ApiRouter router(Broker broker, String node, RateSampler rates, IntSupplier managementPort) {
    Map<String, Object> versions = new LinkedHashMap<>();
    versions.put("rabbit_version", RABBITMQ_VERSION);
    versions.put("rabbitmq_version", RABBITMQ_VERSION);
    versions.put("product_name", "Warren");
    versions.put("product_version", PRODUCT_VERSION);

    ApiRouter router = new ApiRouter(broker);
    Scope scope = new Scope(broker);
    Views views = new Views(node, rates);
    Operations operations = new Operations(broker);
    new OverviewResource(broker, scope, views, operations, versions, managementPort).register(router);
    new ConnectionsResource(broker, scope, views).register(router);
    new ExchangesResource(scope, views, operations).register(router);
    new QueuesResource(scope, views, operations).register(router);
    new BindingsResource(scope, operations).register(router);
    new VhostsResource(broker, scope, views).register(router);
    new UsersResource(broker).register(router);
    new PermissionsResource(broker).register(router);
    new DefinitionsResource(broker, versions).register(router);
    return router;
  }
}
