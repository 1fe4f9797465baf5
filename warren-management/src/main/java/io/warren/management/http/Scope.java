package io.warren.management.http;

import io.warren.broker.Broker;
import io.warren.broker.channel.AmqpChannel;
import io.warren.broker.connection.AmqpConnection;
import io.warren.broker.vhost.VirtualHost;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a user may see, by RabbitMQ's rules: monitoring and administrator users learn of every
 * vhost (and its share of the global totals), others of the vhosts they have permissions in;
 * the queues, exchanges and bindings listed are those of the vhosts the user may log in to,
 * except for administrators, who see them all; only monitors see other users' connections,
 * channels and consumers.
 */
final class Scope {

  private final Broker broker;

  Scope(Broker broker) {
    this.broker = broker;
  }

  /** The vhosts the caller may see, by name. */
  List<VirtualHost> visibleVhosts(Call call) {
    List<VirtualHost> visible = new ArrayList<>();
    for (VirtualHost v : broker.vhosts().all()) {
      if (call.isMonitor() || broker.permissions().find(call.user().name(), v.name()) != null) {
        visible.add(v);
      }
    }
    visible.sort(Comparator.comparing(VirtualHost::name));
    return visible;
  }

  /** The vhosts the caller may log in to (every one for an administrator), by name. */
  List<VirtualHost> loginVhosts(Call call) {
    List<VirtualHost> login = new ArrayList<>();
    for (VirtualHost v : broker.vhosts().all()) {
      if (call.isAdmin() || broker.permissions().find(call.user().name(), v.name()) != null) {
        login.add(v);
      }
    }
    login.sort(Comparator.comparing(VirtualHost::name));
    return login;
  }

  /**
   * Whose queues, exchanges and bindings a listing shows: the {vhost} of the path (404 if it
   * does not exist; the route has checked access), or every vhost the caller may log in to. A
   * monitoring user sees every vhost's name but not its objects (RabbitMQ's filter_vhost).
   */
  List<VirtualHost> vhostsInScope(Call call) {
    String name = call.param("vhost");
    if (name == null) {
      return loginVhosts(call);
    }
    return List.of(vhostOrNotFound(call));
  }

  VirtualHost vhostOrNotFound(Call call) {
    VirtualHost v = broker.vhosts().get(call.param("vhost"));
    if (v == null) {
      throw ApiException.notFound();
    }
    return v;
  }

  /** Connections the caller may see (its own unless it is a monitor), optionally of one vhost. */
  List<AmqpConnection> connections(Call call, String vhost) {
    List<AmqpConnection> out = new ArrayList<>();
    for (AmqpConnection c : broker.connections()) {
      if (c.user() == null || c.vhost() == null) {
        continue; // still in the handshake
      }
      if (!call.isMonitor() && !c.user().name().equals(call.user().name())) {
        continue;
      }
      if (vhost != null && !c.vhost().name().equals(vhost)) {
        continue;
      }
      out.add(c);
    }
    out.sort(Comparator.comparing(AmqpConnection::name));
    return out;
  }

  /** Every connection by its exclusive-queue owner object (the connection itself). */
  Map<Object, AmqpConnection> connectionsByOwner() {
    Map<Object, AmqpConnection> owners = new IdentityHashMap<>();
    for (AmqpConnection c : broker.connections()) {
      owners.put(c, c);
    }
    return owners;
  }

  /** Every open channel with its connection (consumers name their channel). */
  Map<AmqpChannel, AmqpConnection> channelOwners() {
    Map<AmqpChannel, AmqpConnection> owners = new IdentityHashMap<>();
    for (AmqpConnection c : broker.connections()) {
      for (AmqpChannel ch : c.channels()) {
        owners.put(ch, c);
      }
    }
    return owners;
  }
}
