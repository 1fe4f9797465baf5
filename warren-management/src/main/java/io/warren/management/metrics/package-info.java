/**
 * Numbers about the broker for people and dashboards: {@link io.warren.management.metrics.RateSampler}
 * turns the broker's message counters into the per-second rates of the management API, and
 * {@link io.warren.management.metrics.RabbitMetrics} renders them as rabbitmq_prometheus's
 * metric families. Both only read: the counters are written by the broker on its hot path.
 */
package io.warren.management.metrics;
