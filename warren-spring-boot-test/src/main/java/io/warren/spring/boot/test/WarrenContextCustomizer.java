package io.warren.spring.boot.test;

import io.warren.broker.BrokerConfig;
import io.warren.broker.BrokerDefinitions;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.auth.Permissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.beans.factory.support.DefaultSingletonBeanRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the broker for one application context, puts the {@code spring.rabbitmq.*} properties
 * first in its environment, registers the broker as a bean and stops it when the context closes.
 * Equal customizers (same settings) let Spring reuse a cached context, broker included.
 */
final class WarrenContextCustomizer implements ContextCustomizer {

  static final String PROPERTY_SOURCE = "warren";
  static final String BEAN_NAME = "warrenEmbeddedBroker";

  private final String virtualHost;

  WarrenContextCustomizer(String virtualHost) {
    this.virtualHost = virtualHost;
  }

  @Override
  public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
    BrokerConfig brokerConfig = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withoutDataDir();
    EmbeddedBroker broker = EmbeddedBroker.start(brokerConfig);
    stopWithContext(context, broker);
    if (!virtualHost.equals(brokerConfig.defaultVhost())) {
      BrokerDefinitions definitions = broker.broker().definitions();
      definitions.addVhost(virtualHost, BrokerDefinitions.VhostMetadata.NONE);
      definitions.setPermissions(brokerConfig.defaultUser(), virtualHost, Permissions.FULL);
    }
    Map<String, Object> properties = new LinkedHashMap<>();
    properties.put("spring.rabbitmq.host", "127.0.0.1");
    properties.put("spring.rabbitmq.port", broker.port());
    properties.put("spring.rabbitmq.username", brokerConfig.defaultUser());
    properties.put("spring.rabbitmq.password", brokerConfig.defaultPassword());
    properties.put("spring.rabbitmq.virtual-host", virtualHost);
    // An application configured with addresses= would ignore host and port; point them here too.
    properties.put("spring.rabbitmq.addresses", "127.0.0.1:" + broker.port());
    properties.put("spring.rabbitmq.ssl.enabled", false);
    context.getEnvironment().getPropertySources().addFirst(new MapPropertySource(PROPERTY_SOURCE, properties));
    context.getBeanFactory().registerSingleton(BEAN_NAME, broker);
  }

  /**
   * Stops the broker after the context's own beans are gone: beans are destroyed in the reverse
   * order of registration, and this one is registered before any, so listener containers and
   * connection factories close their connections first instead of seeing the broker vanish.
   */
  private static void stopWithContext(ConfigurableApplicationContext context, EmbeddedBroker broker) {
    if (context.getBeanFactory() instanceof DefaultSingletonBeanRegistry registry) {
      registry.registerDisposableBean(BEAN_NAME + ".stopper", broker::close);
    } else {
      context.addApplicationListener(event -> {
        if (event instanceof ContextClosedEvent closed && closed.getApplicationContext() == context) {
          broker.close();
        }
      });
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof WarrenContextCustomizer that && that.virtualHost.equals(virtualHost);
  }

  @Override
  public int hashCode() {
    return virtualHost.hashCode();
  }
}
