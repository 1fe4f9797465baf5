package io.warren.junit;

import io.warren.broker.BrokerDefinitions;
import io.warren.broker.EmbeddedBroker;
import io.warren.broker.auth.Permissions;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.vhost.VirtualHost;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts an embedded Warren broker for a test class and hands it to the tests. Use it through
 * {@link WarrenBroker} or as a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static WarrenExtension warren = new WarrenExtension().withIsolation(Isolation.PURGE_BETWEEN_TESTS);
 *
 * @Test
 * void roundTrip() throws Exception {
 *   try (Connection c = warren.connectionFactory().newConnection()) { ... }
 * }
 * }</pre>
 *
 * The broker listens on a free loopback port with user guest/guest. It is stopped (and its
 * temporary folder, if any, deleted) after the class's last test, or at the end of the run for
 * {@link Lifetime#PER_JVM}. An instance field works too; the broker is still one per class.
 * The accessors on this object ({@link #port()}, {@link #connectionFactory()}...) answer for the
 * test running now; with parallel tests, take a {@link TestBroker} parameter instead.
 */
public class WarrenExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
    ParameterResolver {

  private static final Namespace NAMESPACE = Namespace.create(WarrenExtension.class);
  private static final String BROKER = "broker";
  private static final String CLASS_VIEW = "class-view";
  private static final String TEST_VIEW = "test-view";
  private static final AtomicLong VHOSTS = new AtomicLong();

  private final Storage storage;
  private final Isolation isolation;
  private final Lifetime lifetime;
  private volatile TestBroker current;

  /** Defaults: in memory, a vhost per test, one broker per class (or the class's {@link WarrenBroker} settings). */
  public WarrenExtension() {
    this(Storage.MEMORY, Isolation.VHOST_PER_TEST, Lifetime.PER_CLASS);
  }

  private WarrenExtension(Storage storage, Isolation isolation, Lifetime lifetime) {
    this.storage = storage;
    this.isolation = isolation;
    this.lifetime = lifetime;
  }

  public WarrenExtension withStorage(Storage value) {
    return new WarrenExtension(value, isolation, lifetime);
  }

  public WarrenExtension withIsolation(Isolation value) {
    return new WarrenExtension(storage, value, lifetime);
  }

  public WarrenExtension withLifetime(Lifetime value) {
    return new WarrenExtension(storage, isolation, value);
  }

  // ---- for tests holding the extension in a field ----

  /** The broker as the running test sees it. */
  public TestBroker testBroker() {
    TestBroker view = current;
    if (view == null) {
      throw new IllegalStateException("the Warren broker is not running (used outside a test?)");
    }
    return view;
  }

  public int port() {
    return testBroker().port();
  }

  public URI amqpUri() {
    return testBroker().amqpUri();
  }

  public String vhost() {
    return testBroker().vhost();
  }

  public com.rabbitmq.client.ConnectionFactory connectionFactory() {
    return testBroker().connectionFactory();
  }

  public EmbeddedBroker broker() {
    return testBroker().embedded();
  }

  // ---- JUnit callbacks ----

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    TestBroker view = classView(context);
    current = view;
    injectFields(context.getRequiredTestClass(), null, view, true);
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    TestBroker shared = classView(context.getParent().orElseThrow());
    TestBroker view = shared;
    if (settings(context).isolation() == Isolation.VHOST_PER_TEST) {
      String vhost = "test-" + VHOSTS.incrementAndGet() + "-" + context.getRequiredTestMethod().getName();
      BrokerDefinitions definitions = shared.embedded().broker().definitions();
      definitions.addVhost(vhost, BrokerDefinitions.VhostMetadata.NONE);
      definitions.setPermissions(shared.username(), vhost, Permissions.FULL);
      view = new TestBroker(shared.embedded(), vhost);
    }
    context.getStore(NAMESPACE).put(TEST_VIEW, view);
    current = view;
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      injectFields(instance.getClass(), instance, view, false);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    TestBroker view = context.getStore(NAMESPACE).remove(TEST_VIEW, TestBroker.class);
    if (view == null) {
      return;
    }
    current = classView(context.getParent().orElseThrow());
    switch (settings(context).isolation()) {
      case VHOST_PER_TEST -> view.embedded().broker().definitions().deleteVhost(view.vhost());
      case PURGE_BETWEEN_TESTS -> {
        VirtualHost vhost = view.embedded().broker().vhosts().get(view.vhost());
        if (vhost != null) {
          vhost.queues().forEach(AmqpQueue::purge);
        }
      }
      case NONE -> { }
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == TestBroker.class || type.getName().equals(ConnectionFactories.CLASS_NAME)) {
      return true;
    }
    return parameter.isAnnotated(InjectWarren.class) && injectable(type);
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    TestBroker view = context.getStore(NAMESPACE).get(TEST_VIEW, TestBroker.class);
    if (view == null) { // a constructor or @BeforeAll method: the class's broker, default vhost
      view = classView(context.getTestMethod().isPresent() ? context.getParent().orElseThrow() : context);
    }
    return valueFor(parameter.getParameter().getType(), view);
  }

  // ---- the broker ----

  /** The class's view of its broker, starting the broker on first use. */
  private TestBroker classView(ExtensionContext classContext) {
    ExtensionContext.Store store = classContext.getStore(NAMESPACE);
    return store.getOrComputeIfAbsent(CLASS_VIEW, key -> {
      EmbeddedBroker broker = brokerFor(classContext);
      return new TestBroker(broker, broker.broker().config().defaultVhost());
    }, TestBroker.class);
  }

  private EmbeddedBroker brokerFor(ExtensionContext classContext) {
    Settings settings = settings(classContext);
    ExtensionContext owner = settings.lifetime() == Lifetime.PER_JVM ? classContext.getRoot() : classContext;
    String key = settings.lifetime() == Lifetime.PER_JVM ? BROKER + "-" + settings.storage() : BROKER;
    return owner.getStore(NAMESPACE)
        .getOrComputeIfAbsent(key, k -> RunningBroker.start(settings.storage()), RunningBroker.class)
        .broker();
  }

  private record Settings(Storage storage, Isolation isolation, Lifetime lifetime) {
  }

  /** The class's {@link WarrenBroker} settings if it has the annotation, else this extension's. */
  private Settings settings(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      WarrenBroker annotation = c.getTestClass().map(type -> type.getAnnotation(WarrenBroker.class)).orElse(null);
      if (annotation != null) {
        return new Settings(annotation.storage(), annotation.isolation(), annotation.lifetime());
      }
    }
    return new Settings(storage, isolation, lifetime);
  }

  // ---- injection ----

  private static boolean injectable(Class<?> type) {
    return type == int.class || type == Integer.class || type == String.class || type == URI.class
        || type == TestBroker.class || type.getName().equals(ConnectionFactories.CLASS_NAME);
  }

  private static Object valueFor(Class<?> type, TestBroker view) {
    if (type == int.class || type == Integer.class) {
      return view.port();
    }
    if (type == String.class) {
      return view.amqpUri().toString();
    }
    if (type == URI.class) {
      return view.amqpUri();
    }
    if (type == TestBroker.class) {
      return view;
    }
    return view.connectionFactory();
  }

  /** Sets the {@link InjectWarren} fields of {@code type} and its superclasses: static or instance ones. */
  private static void injectFields(Class<?> type, Object instance, TestBroker view, boolean statics)
      throws IllegalAccessException {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!field.isAnnotationPresent(InjectWarren.class) || Modifier.isStatic(field.getModifiers()) != statics) {
          continue;
        }
        if (!injectable(field.getType()) || Modifier.isFinal(field.getModifiers())) {
          throw new ExtensionConfigurationException("@InjectWarren field " + c.getSimpleName() + "." + field.getName()
              + " must be non-final and of type int, Integer, String, URI, TestBroker or ConnectionFactory");
        }
        field.setAccessible(true);
        field.set(instance, valueFor(field.getType(), view));
      }
    }
  }
}
