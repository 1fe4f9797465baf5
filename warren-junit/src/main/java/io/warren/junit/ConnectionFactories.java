package io.warren.junit;

import com.rabbitmq.client.ConnectionFactory;

/**
 * The only class that touches amqp-client, so the extension loads without it: it is an optional
 * dependency, and a test that never asks for a ConnectionFactory does not need it.
 */
final class ConnectionFactories {

  static final String CLASS_NAME = "com.rabbitmq.client.ConnectionFactory";

  private ConnectionFactories() {
  }

  static ConnectionFactory of(TestBroker broker) {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setHost(broker.host());
    cf.setPort(broker.port());
    cf.setUsername(broker.username());
    cf.setPassword(broker.password());
    cf.setVirtualHost(broker.vhost());
    return cf;
  }
}
