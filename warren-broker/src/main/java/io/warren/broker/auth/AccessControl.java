package io.warren.broker.auth;

import io.warren.broker.AmqpException;
import io.warren.broker.auth.Permissions.Permission;
import java.util.Arrays;

/**
 * The permission checks of one user in one vhost, with RabbitMQ's texts: a refused check is a
 * 403 ACCESS_REFUSED naming the resource, "access to queue 'q' in vhost '/' refused for user
 * 'bob'". Channels call these as one-line guards before they touch an exchange or queue.
 *
 * <p>Like RabbitMQ's per-channel permission cache, the last few names each check granted are
 * remembered, so a publisher sending to the same exchange runs no regular expression (and
 * allocates nothing) per message. The cache is only trusted while the user's permissions are
 * the same object; a change through {@link io.warren.broker.BrokerDefinitions} replaces it.
 * Not thread-safe: one instance per connection, used on its event loop.
 */
public final class AccessControl {

  /** The kinds of resource permissions apply to, named as RabbitMQ names them in errors. */
  public enum Kind {
    EXCHANGE("exchange"), QUEUE("queue");

    private final String word;

    Kind(String word) {
      this.word = word;
    }
  }

  private static final int CACHED_NAMES = 4;

  private final String user;
  private final String vhost;
  private final PermissionRegistry registry;
  /** Per (permission, kind): the permissions the cached names were granted under, and the names. */
  private final Permissions[] grantedUnder = new Permissions[Permission.values().length * Kind.values().length];
  private final String[][] granted = new String[grantedUnder.length][CACHED_NAMES];
  private final int[] nextSlot = new int[grantedUnder.length];
  /** The user's permissions as last looked up, valid while the registry's version is unchanged. */
  private Permissions current;
  private long currentVersion = -1;

  public AccessControl(String user, String vhost, PermissionRegistry registry) {
    this.user = user;
    this.vhost = vhost;
    this.registry = registry;
  }

  /** connection.open: 530 unless the user has permissions (any) in the vhost. */
  public static void checkVhostAccess(PermissionRegistry registry, String user, String vhost) {
    if (registry.find(user, vhost) == null) {
      throw AmqpException.notAllowed("access to vhost '%s' refused for user '%s'", vhost, user);
    }
  }

  public String user() {
    return user;
  }

  public String vhost() {
    return vhost;
  }

  public void checkConfigure(Kind kind, String name) {
    check(Permission.CONFIGURE, kind, name);
  }

  public void checkWrite(Kind kind, String name) {
    check(Permission.WRITE, kind, name);
  }

  public void checkRead(Kind kind, String name) {
    check(Permission.READ, kind, name);
  }

  /** The same check without the exception, for listings that only show what a user may see. */
  public boolean permits(Permission permission, Kind kind, String name) {
    Permissions p = registry.find(user, vhost);
    return p != null && p.permits(permission, resourceName(kind, name));
  }

  private Permissions currentPermissions() {
    long version = registry.version();
    if (version != currentVersion) {
      current = registry.find(user, vhost);
      currentVersion = version;
    }
    return current;
  }

  private void check(Permission permission, Kind kind, String name) {
    Permissions p = currentPermissions();
    if (p != null) {
      int slot = permission.ordinal() * Kind.values().length + kind.ordinal();
      if (isCached(slot, p, name)) {
        return;
      }
      if (p.permits(permission, resourceName(kind, name))) {
        remember(slot, p, name);
        return;
      }
    }
    throw AmqpException.accessRefused("access to %s '%s' in vhost '%s' refused for user '%s'", kind.word,
        resourceName(kind, name), vhost, user);
  }

  /** RabbitMQ checks the default exchange under the name amq.default. */
  private static String resourceName(Kind kind, String name) {
    return kind == Kind.EXCHANGE && name.isEmpty() ? "amq.default" : name;
  }

  private boolean isCached(int slot, Permissions p, String name) {
    if (grantedUnder[slot] != p) {
      return false;
    }
    for (String cached : granted[slot]) {
      if (name.equals(cached)) {
        return true;
      }
    }
    return false;
  }

  private void remember(int slot, Permissions p, String name) {
    if (grantedUnder[slot] != p) {
      grantedUnder[slot] = p;
      Arrays.fill(granted[slot], null);
      nextSlot[slot] = 0;
    }
    granted[slot][nextSlot[slot]] = name;
    nextSlot[slot] = (nextSlot[slot] + 1) % CACHED_NAMES;
  }
}
