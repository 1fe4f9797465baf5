package io.warren.broker;

import io.warren.broker.auth.UserRegistry;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.vhost.VirtualHostRegistry;
import java.util.Set;

/** What every connection needs from the broker: configuration, users, vhosts, the connection list. */
public interface BrokerContext {

  BrokerConfig config();

  UserRegistry users();

  VirtualHostRegistry vhosts();

  /** Each user's permissions in each vhost. */
  io.warren.broker.auth.PermissionRegistry permissions();

  /** The message store under the data folder. */
  io.warren.store.MessageStore store();

  /** True while a resource alarm (low disk, high memory) blocks publishers. */
  boolean publishingBlocked();

  /** connection.blocked's reason for the alarms on now, worded as RabbitMQ words it ("low on memory"). */
  String blockedReason();

  /**
   * A message of {@code bytes} could not be written to the store. Out of space, the disk alarm
   * goes on at once (publishers are blocked until space returns); any other failure is logged.
   * Any thread.
   */
  void storeWriteFailed(io.warren.store.StoreException failure, long bytes);

  /** Live connections (concurrent set). */
  Set<AmqpConnection> connections();
}
