package io.warren.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the annotated test class against an embedded Warren broker:
 *
 * <pre>{@code
 * @WarrenBroker
 * class OrderTest {
 *   @Test
 *   void ships(ConnectionFactory cf) throws Exception {
 *     try (Connection c = cf.newConnection()) { ... }
 *   }
 * }
 * }</pre>
 *
 * Tests receive a {@link TestBroker}, a ready {@code com.rabbitmq.client.ConnectionFactory}, or
 * (with {@link InjectWarren}) the port or AMQP URI as parameters or fields.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WarrenExtension.class)
public @interface WarrenBroker {

  Storage storage() default Storage.MEMORY;

  Isolation isolation() default Isolation.VHOST_PER_TEST;

  Lifetime lifetime() default Lifetime.PER_CLASS;
}
