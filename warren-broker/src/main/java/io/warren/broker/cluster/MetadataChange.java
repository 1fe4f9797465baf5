package io.warren.broker.cluster;

import java.util.List;
import java.util.Map;

/**
 * One change to the broker's topology, users or permissions, as a value that can be shipped to
 * other nodes and applied there in the same order (see {@link MetadataStore}). Applying a change
 * is deterministic: given the same definitions, every node makes the same change and raises the
 * same error, so only what the definitions alone decide belongs here. What depends on one node's
 * live state (a queue's messages and consumers for if-empty / if-unused, exclusive ownership) is
 * checked by the node that asks for the change, before it asks.
 */
public sealed interface MetadataChange {

  /** The resource the change is about in RabbitMQ's words ("queue 'q' in vhost '/'"), for errors. */
  String describe();

  record DeclareExchange(String vhost, String name, String type, boolean durable, boolean autoDelete,
      boolean internal, Map<String, Object> arguments) implements MetadataChange {
    @Override
    public String describe() {
      return "declare exchange '" + name + "' in vhost '" + vhost + "'";
    }
  }

  record DeleteExchange(String vhost, String name, boolean ifUnused) implements MetadataChange {
    @Override
    public String describe() {
      return "delete exchange '" + name + "' in vhost '" + vhost + "'";
    }
  }

  /** A queue whose messages live on {@code homeNode}; the other nodes hold its definition only. */
  record DeclareQueue(String vhost, String name, boolean serverNamed, boolean durable, boolean autoDelete,
      Map<String, Object> arguments, String homeNode) implements MetadataChange {
    @Override
    public String describe() {
      return "declare queue '" + name + "' in vhost '" + vhost + "'";
    }
  }

  record DeleteQueue(String vhost, String name) implements MetadataChange {
    @Override
    public String describe() {
      return "delete queue '" + name + "' in vhost '" + vhost + "'";
    }
  }

  /** queue.bind / exchange.bind; {@code toQueue} tells which kind {@code destination} names. */
  record Bind(String vhost, String source, String destination, boolean toQueue, String bindingKey,
      Map<String, Object> arguments) implements MetadataChange {
    @Override
    public String describe() {
      return "bind " + (toQueue ? "queue '" : "exchange '") + destination + "' in vhost '" + vhost + "'";
    }
  }

  record Unbind(String vhost, String source, String destination, boolean toQueue, String bindingKey,
      Map<String, Object> arguments) implements MetadataChange {
    @Override
    public String describe() {
      return "unbind " + (toQueue ? "queue '" : "exchange '") + destination + "' in vhost '" + vhost + "'";
    }
  }

  record PutUser(String name, String passwordHash, List<String> tags) implements MetadataChange {
    @Override
    public String describe() {
      return "put user '" + name + "'";
    }
  }

  record DeleteUser(String name) implements MetadataChange {
    @Override
    public String describe() {
      return "delete user '" + name + "'";
    }
  }

  record AddVhost(String name, String description, List<String> tags) implements MetadataChange {
    @Override
    public String describe() {
      return "add vhost '" + name + "'";
    }
  }

  record DeleteVhost(String name) implements MetadataChange {
    @Override
    public String describe() {
      return "delete vhost '" + name + "'";
    }
  }

  record SetPermissions(String user, String vhost, String configure, String write, String read)
      implements MetadataChange {
    @Override
    public String describe() {
      return "set permissions of user '" + user + "' in vhost '" + vhost + "'";
    }
  }

  record ClearPermissions(String user, String vhost) implements MetadataChange {
    @Override
    public String describe() {
      return "clear permissions of user '" + user + "' in vhost '" + vhost + "'";
    }
  }

  /**
   * The default user and vhost, created once for the whole cluster (the first node to see an
   * empty metadata store asks; the later requests find it done and change nothing).
   */
  record CreateDefaults(String user, String passwordHash, String vhost) implements MetadataChange {
    @Override
    public String describe() {
      return "create the default user and vhost";
    }
  }
}
