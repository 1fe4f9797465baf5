package io.warren.spring.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Spring test context against an embedded Warren broker:
 *
 * <pre>{@code
 * @SpringBootTest
 * @AutoConfigureWarren
 * class OrderListenerTest { ... }
 * }</pre>
 *
 * Before the context starts, a broker is started on a free loopback port with no data folder
 * (nothing on disk; durable declares work but do not outlive it), and {@code spring.rabbitmq.host},
 * {@code port}, {@code username}, {@code password} and {@code virtual-host} are set to reach it,
 * over anything the application's own configuration says. Spring Boot's RabbitMQ
 * auto-configuration, {@code RabbitTemplate}s and {@code @RabbitListener}s then use it unchanged.
 * The broker is a bean ({@link io.warren.broker.EmbeddedBroker}) and stops when the context
 * closes; test classes with the same configuration share the cached context, so its broker too.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface AutoConfigureWarren {

  /** The vhost {@code spring.rabbitmq.virtual-host} names; created if it is not the default "/". */
  String virtualHost() default "/";
}
