package io.warren.broker.durable;

import static io.warren.broker.durable.DurableDefinitions.bool;
import static io.warren.broker.durable.DurableDefinitions.string;
import static io.warren.broker.durable.DurableDefinitions.table;

import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.broker.vhost.VirtualHostRegistry;
import io.warren.store.MessageStore;
import io.warren.store.RecoveryReport;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the broker's durable state at start: vhosts, exchanges, queues (with the messages
 * their logs still hold) and bindings, in that order; then removes the logs of queues that no
 * longer exist (deleted while a crash interrupted the cleanup).
 */
public final class DefinitionsRecovery {

  private static final Logger LOG = LoggerFactory.getLogger(DefinitionsRecovery.class);

  private DefinitionsRecovery() {
  }

  /** Summary of what came back, for the start-up log. */
  public record Summary(long users, long exchanges, long queues, long bindings, long messages) {
  }

  public static Summary restore(DurableDefinitions definitions, BrokerDefinitions broker, VirtualHostRegistry vhosts,
      MessageStore store) {
    List<Map<String, Object>> recovered = definitions.recover();
    long[] counts = new long[4];
    long users = 0;
    Set<String> liveQueueIds = new HashSet<>();
    definitions.setReplaying(true);
    try {
      for (Map<String, Object> d : recovered) {
        String vhostName = string(d, "vhost");
        switch (string(d, "kind")) {
          case "user" -> {
            // Records written before hashing_algorithm was kept are SHA-256, the only one then.
            PasswordHash.Algorithm algorithm = PasswordHash.Algorithm
                .fromRabbitName(string(d, "hashing_algorithm")).orElse(PasswordHash.Algorithm.SHA256);
            broker.putUser(new User(string(d, "name"), PasswordHash.fromBase64(algorithm, string(d, "password_hash")),
                Set.copyOf(strings(d, "tags"))));
            users++;
          }
          case "vhost" -> broker.addVhost(vhostName,
              new BrokerDefinitions.VhostMetadata(String.valueOf(string(d, "description")), strings(d, "tags")));
          case "permission" -> broker.setPermissions(string(d, "name"), vhostName,
              Permissions.of(string(d, "configure"), string(d, "write"), string(d, "read")));
          default -> restoreEntity(d, vhosts.add(vhostName), liveQueueIds, counts);
        }
      }
    } finally {
      definitions.setReplaying(false);
    }
    for (String id : store.queueIds()) {
      if (!liveQueueIds.contains(id)) {
        LOG.info("removing the log of a queue that no longer exists: {}", id);
        store.deleteQueue(id);
      }
    }
    return new Summary(users, counts[0], counts[1], counts[2], counts[3]);
  }

  /** Re-creates one exchange, queue (with its messages) or binding; counts[] = x, q, b, messages. */
  private static void restoreEntity(Map<String, Object> d, VirtualHost vhost, Set<String> liveQueueIds, long[] counts) {
        String vhostName = vhost.name();
        switch (string(d, "kind")) {
          case "exchange" -> {
            vhost.declareExchange(string(d, "name"), string(d, "type"), true, bool(d, "auto_delete"),
                bool(d, "internal"), table(d, "arguments"));
            counts[0]++;
          }
          case "queue" -> {
            AmqpQueue q = vhost.declareQueue(string(d, "name"), true, true, false, bool(d, "auto_delete"),
                table(d, "arguments"), null);
            liveQueueIds.add(string(d, "id"));
            RecoveryReport report = q.recover();
            if (report.hasCorruption()) {
              LOG.warn("queue '{}' in vhost '{}': recovered {} messages from a damaged log: {}", q.name(),
                  vhostName, q.messageCount(), report.problems());
            }
            counts[3] += q.messageCount();
            counts[1]++;
          }
          case "binding" -> {
            String destination = string(d, "destination");
            BindingTarget target = "queue".equals(string(d, "destination_type"))
                ? vhost.queue(destination) : vhost.exchange(destination);
            if (target != null && vhost.exchange(string(d, "name")) != null) {
              vhost.bind(string(d, "name"), target, string(d, "routing_key"), table(d, "arguments"));
              counts[2]++;
            }
          }
          default -> LOG.warn("ignoring an unknown definition record: {}", d);
        }
  }

  @SuppressWarnings("unchecked")
  private static List<String> strings(Map<String, Object> d, String field) {
    return d.get(field) instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
