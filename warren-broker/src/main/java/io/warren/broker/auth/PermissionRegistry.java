package io.warren.broker.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may do what where: the {@link Permissions} of each user in each vhost. Read on every
 * permission check (two map lookups, no allocation); changed only through
 * {@link io.warren.broker.BrokerDefinitions}.
 */
public final class PermissionRegistry {

  /** A user's permissions in a vhost, for listings. */
  public record Entry(String user, String vhost, Permissions permissions) {
  }

  private final ConcurrentHashMap<String, ConcurrentHashMap<String, Permissions>> byUser = new ConcurrentHashMap<>();

  /** The user's permissions in the vhost, or null when the user may not use the vhost at all. */
  public Permissions find(String user, String vhost) {
    Map<String, Permissions> perVhost = byUser.get(user);
    return perVhost == null ? null : perVhost.get(vhost);
  }

  public void set(String user, String vhost, Permissions permissions) {
    byUser.computeIfAbsent(user, u -> new ConcurrentHashMap<>()).put(vhost, permissions);
  }

  /** Removes the user's permissions in the vhost; false if there were none. */
  public boolean clear(String user, String vhost) {
    Map<String, Permissions> perVhost = byUser.get(user);
    return perVhost != null && perVhost.remove(vhost) != null;
  }

  public void clearUser(String user) {
    byUser.remove(user);
  }

  public void clearVhost(String vhost) {
    for (Map<String, Permissions> perVhost : byUser.values()) {
      perVhost.remove(vhost);
    }
  }

  /** Every user/vhost pair that has permissions. */
  public List<Entry> all() {
    List<Entry> all = new ArrayList<>();
    byUser.forEach((user, perVhost) -> perVhost.forEach((vhost, p) -> all.add(new Entry(user, vhost, p))));
    return all;
  }
}
