package io.warren.broker;

import io.warren.broker.auth.PermissionRegistry;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.auth.UserRegistry;
import io.warren.broker.cluster.MetadataChange;
import io.warren.broker.cluster.MetadataStore;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.durable.DurableDefinitions;
import io.warren.broker.vhost.VirtualHost;
import io.warren.broker.vhost.VirtualHostRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The one place where users, vhosts and permissions change (rabbitmqctl's add_user,
 * delete_vhost, set_permissions ... and the management API's PUT and DELETE all land here), so
 * whatever must follow a change happens once: connections of a deleted vhost or user are
 * closed with 320 CONNECTION_FORCED, a deleted vhost loses its queues and exchanges, and
 * permissions never outlive their user or vhost. Persisting these definitions hooks in here.
 *
 * <p>Changes are serialised on this object; reads go straight to the registries. In a cluster
 * the public change methods commit the change through the {@link MetadataStore}, and the
 * {@code ...Locally} methods apply it on every node.
 */
public final class BrokerDefinitions {

  /** A vhost's description and tags (RabbitMQ keeps them as vhost metadata). */
  public record VhostMetadata(String description, List<String> tags) {

    public static final VhostMetadata NONE = new VhostMetadata("", List.of());

    public VhostMetadata {
      tags = List.copyOf(tags);
    }
  }

  private final UserRegistry users;
  private final VirtualHostRegistry vhosts;
  private final PermissionRegistry permissions;
  private final Set<AmqpConnection> connections;
  private final Map<String, VhostMetadata> vhostMetadata = new ConcurrentHashMap<>();
  /** Where changes are recorded so they survive a restart; null until the store is open. */
  private DurableDefinitions durable;
  /** Null on a single node. */
  private volatile MetadataStore metadata;

  BrokerDefinitions(UserRegistry users, VirtualHostRegistry vhosts, PermissionRegistry permissions,
      Set<AmqpConnection> connections) {
    this.users = users;
    this.vhosts = vhosts;
    this.permissions = permissions;
    this.connections = connections;
  }

  /** From now on, every change is also written to the durable definitions. */
  synchronized void recordTo(DurableDefinitions durableDefinitions) {
    this.durable = durableDefinitions;
  }

  /** From now on, changes are committed through the cluster's metadata store. */
  void commitThrough(MetadataStore metadataStore) {
    this.metadata = metadataStore;
  }

  /** Adds the user, or replaces its password hash and tags. */
  public void putUser(User user) {
    MetadataStore m = metadata;
    if (m == null) {
      putUserLocally(user);
    } else {
      m.commit(new MetadataChange.PutUser(user.name(), user.passwordHash().toBase64(), List.copyOf(user.tags())));
    }
  }

  public synchronized void putUserLocally(User user) {
    users.add(user);
    if (durable != null) {
      durable.userPut(user.name(), user.passwordHash().toBase64(), user.passwordHash().algorithm().rabbitName(),
          List.copyOf(user.tags()));
    }
  }

  /** Deletes the user and its permissions and closes its connections; false if there was none. */
  public boolean deleteUser(String name) {
    MetadataStore m = metadata;
    if (m == null) {
      return deleteUserLocally(name);
    }
    return users.find(name).isPresent() && (Boolean) m.commit(new MetadataChange.DeleteUser(name));
  }

  public synchronized boolean deleteUserLocally(String name) {
    if (!users.delete(name)) {
      return false;
    }
    permissions.clearUser(name);
    if (durable != null) {
      durable.userDeleted(name);
    }
    for (AmqpConnection c : connections) {
      if (c.user() != null && c.user().name().equals(name)) {
        c.forceClose("user '" + name + "' is deleted");
      }
    }
    return true;
  }

  /** Creates the vhost if it does not exist, with the given metadata; returns it either way. */
  public VirtualHost addVhost(String name, VhostMetadata metadata) {
    MetadataStore m = this.metadata;
    if (m == null) {
      return addVhostLocally(name, metadata);
    }
    m.commit(new MetadataChange.AddVhost(name, metadata.description(), metadata.tags()));
    return vhosts.get(name);
  }

  public synchronized VirtualHost addVhostLocally(String name, VhostMetadata metadata) {
    VirtualHost vhost = vhosts.add(name);
    vhostMetadata.put(name, metadata);
    if (durable != null) {
      durable.vhostAdded(name, metadata.description(), metadata.tags());
    }
    return vhost;
  }

  /** No user and no vhost: a cluster that has never been set up. */
  public boolean isEmpty() {
    return users.all().isEmpty() && vhosts.all().isEmpty();
  }

  public VhostMetadata vhostMetadata(String name) {
    return vhostMetadata.getOrDefault(name, VhostMetadata.NONE);
  }

  /**
   * Deletes the vhost as RabbitMQ does: permissions first (no new connections), then its
   * connections are closed and its queues and exchanges deleted. False if there was none.
   */
  public boolean deleteVhost(String name) {
    MetadataStore m = metadata;
    if (m == null) {
      return deleteVhostLocally(name);
    }
    return vhosts.get(name) != null && (Boolean) m.commit(new MetadataChange.DeleteVhost(name));
  }

  public synchronized boolean deleteVhostLocally(String name) {
    VirtualHost vhost = vhosts.get(name);
    if (vhost == null) {
      return false;
    }
    permissions.clearVhost(name);
    vhosts.remove(name);
    vhostMetadata.remove(name);
    for (AmqpConnection c : connections) {
      if (c.vhost() == vhost) {
        c.forceClose("vhost '" + name + "' is deleted");
      }
    }
    vhost.deleteAll();
    if (durable != null) {
      durable.vhostRemoved(name);
    }
    return true;
  }

  /** Sets the user's permissions in the vhost (both must exist: the caller checks). */
  public void setPermissions(String user, String vhost, Permissions p) {
    MetadataStore m = metadata;
    if (m == null) {
      setPermissionsLocally(user, vhost, p);
    } else {
      m.commit(new MetadataChange.SetPermissions(user, vhost, p.configure(), p.write(), p.read()));
    }
  }

  public synchronized void setPermissionsLocally(String user, String vhost, Permissions p) {
    permissions.set(user, vhost, p);
    if (durable != null) {
      durable.permissionsSet(user, vhost, p.configure(), p.write(), p.read());
    }
  }

  /** Removes the user's permissions in the vhost; false if there were none. */
  public boolean clearPermissions(String user, String vhost) {
    MetadataStore m = metadata;
    if (m == null) {
      return clearPermissionsLocally(user, vhost);
    }
    return (Boolean) m.commit(new MetadataChange.ClearPermissions(user, vhost));
  }

  public synchronized boolean clearPermissionsLocally(String user, String vhost) {
    boolean cleared = permissions.clear(user, vhost);
    if (cleared && durable != null) {
      durable.permissionsCleared(user, vhost);
    }
    return cleared;
  }
}
