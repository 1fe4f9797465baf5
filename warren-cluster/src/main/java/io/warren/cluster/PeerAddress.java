package io.warren.cluster;

/**
 * A cluster member as the config file names it: {@code NAME@HOST[:PORT]}, e.g.
 * {@code warren-a@localhost:25672}. The node name is the whole {@code NAME@HOST} (RabbitMQ's
 * node names look the same); the port is the member's inter-node port, 25672 by default.
 */
public record PeerAddress(String nodeName, String host, int port) {

  public static final int DEFAULT_CLUSTER_PORT = 25672;

  public static PeerAddress parse(String spec) {
    String s = spec.strip();
    int at = s.indexOf('@');
    if (at <= 0 || at == s.length() - 1) {
      throw new IllegalArgumentException("cluster node '" + spec + "' must be NAME@HOST or NAME@HOST:PORT");
    }
    String hostPart = s.substring(at + 1);
    int port = DEFAULT_CLUSTER_PORT;
    int colon = hostPart.lastIndexOf(':');
    if (colon > 0) {
      try {
        port = Integer.parseInt(hostPart.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("cluster node '" + spec + "' has a bad port", e);
      }
      hostPart = hostPart.substring(0, colon);
    }
    return new PeerAddress(s.substring(0, at) + "@" + hostPart, hostPart, port);
  }

  /** host:port, as Ratis addresses a peer. */
  public String address() {
    return host + ":" + port;
  }
}
