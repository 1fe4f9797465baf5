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
 * What a user may see, by RabbitMQ's rules: monitoring and administrator users see every vhost,
 * others the vhosts they have permissions in; only monitors see other users' connections.
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

  /** The visible vhosts, or only the {vhost} of the path (404 if it does not exist). */
  List<VirtualHost> vhostsInScope(Call call) {
    String name = call.param("vhost");
    if (name == null) {
      return visibleVhosts(call);
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
