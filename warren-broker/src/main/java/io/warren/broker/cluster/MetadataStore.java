package io.warren.broker.cluster;

/**
 * Where topology, user and permission changes go when the broker is one node of a cluster. A
 * single node has none: {@code VirtualHost} and {@code BrokerDefinitions} then change their own
 * state directly, as they always did (recorded by the durable definitions log), at no extra cost.
 * In a cluster every change is committed by a majority of the nodes first, then applied on
 * every node, this one included, by {@link MetadataApplier}.
 */
public interface MetadataStore {

  /**
   * Commits the change and waits until this node has applied it. Returns what applying it here
   * returned (a queue.delete's message count, for one), or throws the error it raised there
   * (every node raises the same one). When no majority answers in time, throws RabbitMQ's 541
   * INTERNAL_ERROR "... because the metadata store operation timed out".
   */
  Object commit(MetadataChange change);

  /**
   * Commits the change without waiting, for changes this node decides on its own (an
   * auto-delete queue losing its last consumer, an x-expires lease running out). A change that
   * cannot be committed now is logged and dropped.
   */
  void commitLater(MetadataChange change);

  /** This node's name (the home node of queues declared here). */
  String localNode();
}
