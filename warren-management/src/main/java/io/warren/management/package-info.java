/**
 * RabbitMQ's management HTTP API and Prometheus endpoint for a running {@link io.warren.broker.Broker},
 * so that rabbitmqadmin, dashboards and scripts written for RabbitMQ work against Warren unchanged.
 *
 * <p>{@link io.warren.management.ManagementServer} serves {@code /api/...} (port 15672 by default)
 * and the web UI's static files from the same port; {@link io.warren.management.PrometheusServer}
 * serves {@code /metrics} in rabbitmq_prometheus's format on its own port (15692). Both take the
 * broker object and read its registries; the broker knows nothing of HTTP.
 *
 * <p>Why Netty's HTTP codec with a small router rather than Javalin or Helidon: the broker
 * already runs on Netty, so this adds one jar (netty-codec-http) instead of a servlet container
 * and a Kotlin runtime; and RabbitMQ's API puts the vhost in the path, URL-encoded, so the
 * default vhost "/" appears as {@code %2F} in nearly every URL. Servlet containers (Jetty 11/12
 * underneath Javalin) reject or normalise encoded slashes by default; here the router splits
 * the raw path on "/" first and then decodes each segment, which is exactly what RabbitMQ's
 * cowboy does. JSON is Jackson; the Prometheus text format is written by the Prometheus Java
 * client's exposition library.
 */
package io.warren.management;
