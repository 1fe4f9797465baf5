package io.warren.broker.vhost;

import io.warren.broker.cluster.MetadataStore;
import java.util.Collection;
import java.util.concurrent.ConcurrentHashMap;

/** The broker's virtual hosts, by name. */
public final class VirtualHostRegistry {

  private final ConcurrentHashMap<String, VirtualHost> byName = new ConcurrentHashMap<>();
  private volatile Persistence persistence = Persistence.NONE;
  private volatile MetadataStore metadata;

  /** Where vhosts created from now on report their durable definitions. */
  public void setPersistence(Persistence persistence) {
    this.persistence = persistence;
  }

  /** Where vhosts created from now on send their changes (a cluster); null: nowhere, they change themselves. */
  public void setMetadataStore(MetadataStore metadata) {
    this.metadata = metadata;
  }

  /** The vhost, or null. */
  public VirtualHost get(String name) {
    return byName.get(name);
  }

  /** Creates the vhost if it does not exist; returns it either way. */
  public VirtualHost add(String name) {
    return byName.computeIfAbsent(name, n -> new VirtualHost(n, persistence, metadata));
  }

  public VirtualHost remove(String name) {
    return byName.remove(name);
  }

  public Collection<VirtualHost> all() {
    return byName.values();
  }
}
