package io.warren.cluster;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.auth.PermissionRegistry;
import io.warren.broker.auth.User;
import io.warren.broker.cluster.MetadataApplier;
import io.warren.broker.cluster.MetadataChange;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replicated metadata as a snapshot: the broker's shared definitions written as the changes
 * that re-create them (users, vhosts, permissions, exchanges, queues, bindings, in that order),
 * each a length-prefixed {@link ChangeCodec} record. Exclusive queues and their bindings belong
 * to one node and are left out. Restoring makes the broker match the snapshot: what it has and
 * the snapshot lacks is deleted, then every change is applied.
 */
final class MetadataSnapshot {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataSnapshot.class);

  private MetadataSnapshot() {
  }

  static int write(Broker broker, String localNode, OutputStream out) throws IOException {
    List<MetadataChange> changes = describe(broker, localNode);
    DataOutputStream data = new DataOutputStream(out);
    for (MetadataChange change : changes) {
      byte[] bytes = ChangeCodec.encode(new ChangeCodec.Envelope("", 0, change));
      data.writeInt(bytes.length);
      data.write(bytes);
    }
    data.flush();
    return changes.size();
  }

  static List<MetadataChange> read(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    List<MetadataChange> changes = new ArrayList<>();
    while (true) {
      int length;
      try {
        length = data.readInt();
      } catch (EOFException e) {
        return changes;
      }
      byte[] bytes = data.readNBytes(length);
      changes.add(ChangeCodec.decode(bytes).change());
    }
  }

  /** The broker's shared definitions as the changes that would create them. */
  static List<MetadataChange> describe(Broker broker, String localNode) {
    List<MetadataChange> out = new ArrayList<>();
    BrokerDefinitions definitions = broker.definitions();
    for (User u : broker.users().all()) {
      out.add(new MetadataChange.PutUser(u.name(), u.passwordHash().toBase64(), List.copyOf(u.tags())));
    }
    for (VirtualHost v : broker.vhosts().all()) {
      BrokerDefinitions.VhostMetadata m = definitions.vhostMetadata(v.name());
      out.add(new MetadataChange.AddVhost(v.name(), m.description(), m.tags()));
    }
    for (PermissionRegistry.Entry p : broker.permissions().all()) {
      out.add(new MetadataChange.SetPermissions(p.user(), p.vhost(), p.permissions().configure(),
          p.permissions().write(), p.permissions().read()));
    }
    for (VirtualHost v : broker.vhosts().all()) {
      for (Exchange x : v.exchanges()) {
        if (!isPredeclared(x)) {
          out.add(new MetadataChange.DeclareExchange(v.name(), x.name(), x.type().amqpName(), x.durable(),
              x.autoDelete(), x.internal(), x.arguments()));
        }
      }
      for (AmqpQueue q : v.queues()) {
        if (!q.exclusive()) {
          out.add(new MetadataChange.DeclareQueue(v.name(), q.name(), true, q.durable(), q.autoDelete(), q.arguments(),
              q.homeNode() == null ? localNode : q.homeNode()));
        }
      }
      for (Binding b : v.bindings()) {
        if (!(b.destination() instanceof AmqpQueue q && q.exclusive())) {
          out.add(new MetadataChange.Bind(v.name(), b.source().name(), b.destination().name(),
              b.destination() instanceof AmqpQueue, b.bindingKey(), b.arguments()));
        }
      }
    }
    return out;
  }

  private static boolean isPredeclared(Exchange x) {
    return x.name().startsWith("amq.") && x.durable() && !x.autoDelete() && x.arguments().isEmpty()
        && switch (x.name()) {
          case "amq.direct", "amq.fanout", "amq.topic", "amq.headers", "amq.match" -> true;
          default -> false;
        };
  }

  /** Makes the broker hold exactly the snapshot's definitions. */
  static void restore(Broker broker, MetadataApplier applier, String localNode, List<MetadataChange> snapshot) {
    Set<MetadataChange> wanted = new HashSet<>(snapshot);
    Set<String> users = new HashSet<>();
    Set<String> vhosts = new HashSet<>();
    Set<String> entities = new HashSet<>();
    for (MetadataChange c : snapshot) {
      switch (c) {
        case MetadataChange.PutUser u -> users.add(u.name());
        case MetadataChange.AddVhost v -> vhosts.add(v.name());
        case MetadataChange.DeclareExchange x -> entities.add("x\u0000" + x.vhost() + "\u0000" + x.name());
        case MetadataChange.DeclareQueue q -> entities.add("q\u0000" + q.vhost() + "\u0000" + q.name());
        default -> { }
      }
    }
    BrokerDefinitions definitions = broker.definitions();
    for (User u : List.copyOf(broker.users().all())) {
      if (!users.contains(u.name())) {
        definitions.deleteUserLocally(u.name());
      }
    }
    for (VirtualHost v : List.copyOf(broker.vhosts().all())) {
      if (!vhosts.contains(v.name())) {
        definitions.deleteVhostLocally(v.name());
        continue;
      }
      for (AmqpQueue q : List.copyOf(v.queues())) {
        if (!q.exclusive() && !entities.contains("q\u0000" + v.name() + "\u0000" + q.name())) {
          v.removeQueue(q);
        }
      }
      for (Exchange x : List.copyOf(v.exchanges())) {
        if (!isPredeclared(x) && !entities.contains("x\u0000" + v.name() + "\u0000" + x.name())) {
          v.deleteExchangeLocally(x.name(), false);
        }
      }
    }
    for (MetadataChange c : describe(broker, localNode)) {
      if (c instanceof MetadataChange.Bind b && !wanted.contains(c)) {
        applier.apply(new MetadataChange.Unbind(b.vhost(), b.source(), b.destination(), b.toQueue(), b.bindingKey(),
            b.arguments()));
      } else if (c instanceof MetadataChange.SetPermissions p && !wanted.contains(c)) {
        definitions.clearPermissionsLocally(p.user(), p.vhost());
      }
    }
    for (MetadataChange c : snapshot) {
      try {
        applier.apply(c);
      } catch (AmqpException e) {
        LOG.warn("restoring the metadata snapshot: {} failed: {}", c.describe(), e.getMessage());
      }
    }
  }
}
