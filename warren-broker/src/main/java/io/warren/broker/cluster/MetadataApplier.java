package io.warren.broker.cluster;

import io.warren.broker.AmqpException;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.BrokerDefinitions.VhostMetadata;
import io.warren.broker.auth.PasswordHash;
import io.warren.broker.auth.Permissions;
import io.warren.broker.auth.User;
import io.warren.broker.exchange.BindingTarget;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import io.warren.broker.vhost.VirtualHostRegistry;
import io.warren.store.RecoveryReport;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a committed {@link MetadataChange} to this node's broker, with the same checks and
 * errors as on a single node. Called by the cluster's state machine, one change at a time, in
 * commit order, on every node.
 */
public final class MetadataApplier {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataApplier.class);

  private final BrokerDefinitions definitions;
  private final VirtualHostRegistry vhosts;
  private final String localNode;

  public MetadataApplier(BrokerDefinitions definitions, VirtualHostRegistry vhosts, String localNode) {
    this.definitions = definitions;
    this.vhosts = vhosts;
    this.localNode = localNode;
  }

  /** Applies the change; returns its result (a count, a flag, or null) or throws its AmqpException. */
  public Object apply(MetadataChange change) {
    return switch (change) {
      case MetadataChange.DeclareExchange c -> {
        vhost(c.vhost()).declareExchangeLocally(c.name(), c.type(), c.durable(), c.autoDelete(), c.internal(),
            c.arguments());
        yield null;
      }
      case MetadataChange.DeleteExchange c -> {
        vhost(c.vhost()).deleteExchangeLocally(c.name(), c.ifUnused());
        yield null;
      }
      case MetadataChange.DeclareQueue c -> declareQueue(c);
      case MetadataChange.DeleteQueue c -> vhost(c.vhost()).deleteQueueLocally(c.name(), false, false, null);
      case MetadataChange.Bind c -> {
        VirtualHost v = vhost(c.vhost());
        BindingTarget destination = c.toQueue() ? v.queueOrThrow(c.destination())
            : v.bindingDestinationExchange(c.destination());
        yield v.bindLocally(c.source(), destination, c.bindingKey(), c.arguments());
      }
      case MetadataChange.Unbind c -> {
        VirtualHost v = vhost(c.vhost());
        BindingTarget destination = c.toQueue() ? v.queue(c.destination()) : v.exchange(c.destination());
        v.unbindLocally(c.source(), destination, c.bindingKey(), c.arguments());
        yield null;
      }
      case MetadataChange.PutUser c -> {
        definitions.putUserLocally(new User(c.name(), PasswordHash.fromBase64(c.passwordHash()), Set.copyOf(c.tags())));
        yield null;
      }
      case MetadataChange.DeleteUser c -> definitions.deleteUserLocally(c.name());
      case MetadataChange.AddVhost c -> {
        definitions.addVhostLocally(c.name(), new VhostMetadata(c.description(), c.tags()));
        yield null;
      }
      case MetadataChange.DeleteVhost c -> definitions.deleteVhostLocally(c.name());
      case MetadataChange.SetPermissions c -> {
        definitions.setPermissionsLocally(c.user(), c.vhost(), Permissions.of(c.configure(), c.write(), c.read()));
        yield null;
      }
      case MetadataChange.ClearPermissions c -> definitions.clearPermissionsLocally(c.user(), c.vhost());
      case MetadataChange.CreateDefaults c -> createDefaults(c);
    };
  }

  private Object declareQueue(MetadataChange.DeclareQueue c) {
    VirtualHost v = vhost(c.vhost());
    boolean homedHere = localNode.equals(c.homeNode());
    boolean existed = v.queue(c.name()) != null;
    AmqpQueue q = v.declareQueueLocally(c.name(), c.serverNamed(), c.durable(), false, c.autoDelete(), c.arguments(),
        null, homedHere ? null : c.homeNode());
    if (!existed && homedHere && q.persistsMessages()) {
      // a durable queue homed here that comes back (from the log, at start) brings its messages
      RecoveryReport report = q.recover();
      if (q.messageCount() > 0 || report.hasCorruption()) {
        LOG.info("queue '{}' in vhost '{}': recovered {} messages{}", q.name(), v.name(), q.messageCount(),
            report.hasCorruption() ? " from a damaged log: " + report.problems() : "");
      }
    }
    return null;
  }

  private Object createDefaults(MetadataChange.CreateDefaults c) {
    if (!definitions.isEmpty()) {
      return false; // another node asked first
    }
    definitions.putUserLocally(new User(c.user(), PasswordHash.fromBase64(c.passwordHash()), Set.of("administrator")));
    definitions.addVhostLocally(c.vhost(), new VhostMetadata("Default virtual host", List.of()));
    definitions.setPermissionsLocally(c.user(), c.vhost(), Permissions.FULL);
    return true;
  }

  private VirtualHost vhost(String name) {
    VirtualHost v = vhosts.get(name);
    if (v == null) {
      throw AmqpException.notFound("no vhost '%s'", name);
    }
    return v;
  }
}
