package io.warren.management;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** The node name Warren reports where RabbitMQ reports "rabbit@host". */
final class Node {

  private Node() {
  }

  static String name() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "localhost";
    }
    int dot = host.indexOf('.');
    return "warren@" + (dot > 0 ? host.substring(0, dot) : host);
  }
}
