package io.warren.management.http;

/**
 * Who may call a route, after a successful login as a management user (one tagged
 * administrator, monitoring, policymaker or management). RabbitMQ's rules, named after its
 * is_authorized_* checks.
 */
public enum Access {
  /** Any management user. */
  ANY,
  /** monitoring or administrator ("Not monitor user"). */
  MONITOR,
  /** administrator ("Not administrator user"). */
  ADMIN,
  /** administrator, or a user with permissions in the {vhost} of the path. */
  VHOST
}
