package io.warren.broker.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may do what where: the {@link Permissions} of each user in each vhost. Changed only through
 * {@link io.warren.broker.BrokerDefinitions}; every change bumps {@link #version()}, so a
 * connection can keep the permissions it looked up until the version moves instead of looking
 * them up per message.
 */
public final class PermissionRegistry {

  /** A user's permissions in a vhost, for listings. */
  public record Entry(String user, String vhost, Permissions permissions) {
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Permissions>> byUser = new ConcurrentHashMap<>();
  private volatile long version;

  /** Changes whenever any permission changes (after the change is visible to {@link #find}). */
  public long version() {
    return version;
  }

  /** The user's permissions in the vhost, or null when the user may not use the vhost at all. */
  public Permissions find(String user, String vhost) {
    Map<String, Permissions> perVhost = byUser.get(user);
    return perVhost == null ? null : perVhost.get(vhost);
  }

  public void set(String user, String vhost, Permissions permissions) {
    byUser.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(vhost, permissions);
    changed();
  }

  private synchronized void changed() {
    version++;
  }

  /** Removes the user's permissions in the vhost; false if there were none. */
  public boolean clear(String user, String vhost) {
    Map<String, Permissions> perVhost = byUser.get(user);
    boolean removed = perVhost != null && perVhost.remove(vhost) != null;
    changed();
    return removed;
  }

  public void clearUser(String user) {
    byUser.remove(user);
    changed();
  }

  public void clearVhost(String vhost) {
    for (Map<String, Permissions> perVhost : byUser.values()) {
      perVhost.remove(vhost);
    }
    changed();
  }

  /** Every user/vhost pair that has permissions. */
  public List<Entry> all() {
    List<Entry> all = new ArrayList<>();
    byUser.forEach((user, perVhost) -> perVhost.forEach((vhost, p) -> all.add(new Entry(user, vhost, p))));
    return all;
  }
}
