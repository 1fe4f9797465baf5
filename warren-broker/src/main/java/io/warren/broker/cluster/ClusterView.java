package io.warren.broker.cluster;

import java.util.List;

/** Which nodes make up the cluster and which of them are running (management API, warrenctl). */
public interface ClusterView {

  /** A member of the cluster; {@code running} as this node last saw it. */
  record NodeStatus(String name, boolean running) {
  }

  /** This node's name (RabbitMQ's rabbit@host). */
  String localNode();

  /** Every member, this node first. */
  List<NodeStatus> nodes();

  /** The view of a broker that is not in a cluster: itself, running. */
  static ClusterView single(String nodeName) {
    return new ClusterView() {
      @Override
      public String localNode() {
        return nodeName;
      }

      @Override
      public List<NodeStatus> nodes() {
        return List.of(new NodeStatus(nodeName, true));
      }
    };
  }

  /** warren@ and the host's short name, as RabbitMQ names a node rabbit@host. */
  static String defaultNodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      host = "localhost";
    }
    int dot = host.indexOf('.');
    return "warren@" + (dot > 0 ? host.substring(0, dot) : host);
  }
}
