package io.warren.broker.durable;

import static io.warren.broker.durable.DurableDefinitions.bool;
import static io.warren.broker.durable.DurableDefinitions.string;
import static io.warren.broker.durable.DurableDefinitions.table;

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
  public record Summary(int exchanges, int queues, int bindings, long messages) {
  }

  public static Summary restore(DurableDefinitions definitions, VirtualHostRegistry vhosts, MessageStore store) {
    List<Map<String, Object>> recovered = definitions.recover();
    int exchanges = 0;
    int queues = 0;
    int bindings = 0;
    long messages = 0;
    Set<String> liveQueueIds = new HashSet<>();
    definitions.setReplaying(true);
    try {
      for (Map<String, Object> d : recovered) {
        String vhostName = string(d, "vhost");
        VirtualHost vhost = vhosts.add(vhostName);
        switch (string(d, "kind")) {
          case "exchange" -> {
            vhost.declareExchange(string(d, "name"), string(d, "type"), true, bool(d, "auto_delete"),
                bool(d, "internal"), table(d, "arguments"));
            exchanges++;
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
            messages += q.messageCount();
            queues++;
          }
          case "binding" -> {
            String destination = string(d, "destination");
            BindingTarget target = "queue".equals(string(d, "destination_type"))
                ? vhost.queue(destination) : vhost.exchange(destination);
            if (target != null && vhost.exchange(string(d, "name")) != null) {
              vhost.bind(string(d, "name"), target, string(d, "routing_key"), table(d, "arguments"));
              bindings++;
            }
          }
          default -> {
            // a vhost record: the vhost was created above
          }
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
    return new Summary(exchanges, queues, bindings, messages);
  }
}
