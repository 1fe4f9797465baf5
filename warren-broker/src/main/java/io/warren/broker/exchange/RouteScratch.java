package io.warren.broker.exchange;

import io.warren.broker.queue.AmqpQueue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The reusable accumulator of one routing decision: the queues found so far (each once) and the
 * exchanges still to visit. Each channel owns one and clears it per message, so routing
 * allocates nothing in the common case.
 */
public final class RouteScratch {

  /** Above this many queues, membership checks switch from a scan to a hash set. */
  private static final int SCAN_LIMIT = 8;

  private final ArrayList<AmqpQueue> queues = new ArrayList<>();
  private final Set<AmqpQueue> queueSet = Collections.newSetFromMap(new IdentityHashMap<>());
  private final ArrayList<Exchange> toVisit = new ArrayList<>();
  private final ArrayList<Exchange> visited = new ArrayList<>();
  private String routingKey;
  /** The message's routing key followed by its CC and BCC keys; usually just the first. */
  private final ArrayList<String> routingKeys = new ArrayList<>();
  private int added;

  void reset(String routingKey) {
    this.routingKey = routingKey;
    routingKeys.clear();
    routingKeys.add(routingKey);
    queues.clear();
    queueSet.clear();
    toVisit.clear();
    visited.clear();
  }

  /** Adds a CC/BCC key: every exchange on the walk is matched against it too. */
  void addRoutingKey(String key) {
    routingKeys.add(key);
  }

  int routingKeyCount() {
    return routingKeys.size();
  }

  /** Makes the k-th routing key the one {@link #routingKey()} returns, and returns it. */
  String selectRoutingKey(int k) {
    routingKey = routingKeys.get(k);
    return routingKey;
  }

  /** The routing key being matched (the message's, or one of its CC/BCC keys). */
  public String routingKey() {
    return routingKey;
  }

  /** Reports a matched binding target. */
  public void add(BindingTarget target) {
    added++;
    if (target instanceof AmqpQueue q) {
      addQueue(q);
    } else if (target instanceof Exchange x) {
      if (!visited.contains(x) && !toVisit.contains(x)) {
        toVisit.add(x);
      }
    }
  }

  void addQueue(AmqpQueue q) {
    if (q.homeNode() != null) {
      return; // in a cluster, a queue homed on another node takes no messages published here (yet)
    }
    if (queues.size() < SCAN_LIMIT) {
      for (int i = 0; i < queues.size(); i++) {
        if (queues.get(i) == q) {
          return;
        }
      }
      queues.add(q);
      if (queues.size() == SCAN_LIMIT) {
        queueSet.addAll(queues);
      }
    } else if (queueSet.add(q)) {
      queues.add(q);
    }
  }

  int addedCount() {
    return added;
  }

  Exchange nextToVisit() {
    if (toVisit.isEmpty()) {
      return null;
    }
    Exchange x = toVisit.remove(toVisit.size() - 1);
    visited.add(x);
    return x;
  }

  void markVisited(Exchange x) {
    visited.add(x);
  }

  /** The queues the message goes to, each once. Valid until the next routing with this scratch. */
  public List<AmqpQueue> queues() {
    return queues;
  }
}
