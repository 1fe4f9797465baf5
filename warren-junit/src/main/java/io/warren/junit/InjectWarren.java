package io.warren.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a field or parameter the Warren extension fills in, by its type: {@code int} or
 * {@code Integer} the AMQP port, {@code String} or {@code java.net.URI} the AMQP URI (with the
 * test's vhost), {@link TestBroker} the broker, {@code com.rabbitmq.client.ConnectionFactory} a
 * factory for the test's vhost. Parameters of the last two types need no annotation.
 *
 * <p>Static fields are set once per class (the URI then names the default vhost); instance
 * fields before each test.
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface InjectWarren {
}
