package io.warren.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs sample test classes through the JUnit engine and checks what the extension did around
 * them: the broker stops after the class (or the run), its temporary folder goes, a per-JVM
 * broker is shared.
 */
class LifecycleTest {

  static final List<Integer> PORTS = new ArrayList<>();
  static final List<Path> DATA_DIRS = new ArrayList<>();

  @Test
  void aClassBrokerStopsAfterTheClassAndItsFolderIsDeleted() {
    PORTS.clear();
    DATA_DIRS.clear();
    Events tests = run(TemporaryFolderSample.class);
    tests.assertStatistics(stats -> stats.started(2).succeeded(2));

    assertThat(Set.copyOf(PORTS)).hasSize(1);
    assertThat(DATA_DIRS.get(0)).doesNotExist();
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(PORTS.get(0));
    assertThatThrownBy(cf::newConnection).isInstanceOf(ConnectException.class);
  }

  @Test
  void aJvmBrokerIsSharedByClassesAndStopsWithTheRun() {
    PORTS.clear();
    Events tests = EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(JvmSampleOne.class), selectClass(JvmSampleTwo.class))
        .execute().testEvents();
    tests.assertStatistics(stats -> stats.started(2).succeeded(2));

    assertThat(PORTS).hasSize(2);
    assertThat(PORTS.get(0)).isEqualTo(PORTS.get(1));
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(PORTS.get(0));
    assertThatThrownBy(cf::newConnection).isInstanceOf(ConnectException.class);
  }

  @Test
  void instanceFieldRegistrationStillStartsOneBrokerPerClass() {
    PORTS.clear();
    run(InstanceFieldSample.class).assertStatistics(stats -> stats.started(2).succeeded(2));
    assertThat(Set.copyOf(PORTS)).hasSize(1);
  }

  private static Events run(Class<?> testClass) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
  }

  private static void connectAndRecord(TestBroker broker) throws Exception {
    try (Connection ignored = broker.connectionFactory().newConnection()) {
      PORTS.add(broker.port());
    }
  }

  @WarrenBroker(storage = Storage.TEMPORARY_FOLDER)
  static class TemporaryFolderSample {
    @Test
    void one(TestBroker broker) throws Exception {
      connectAndRecord(broker);
      Path dir = broker.embedded().broker().config().dataDir();
      assertThat(dir.resolve("meta")).isDirectory();
      assertThat(Files.exists(dir.resolve("LOCK"))).isTrue();
      DATA_DIRS.add(dir);
    }

    @Test
    void two(TestBroker broker) throws Exception {
      connectAndRecord(broker);
    }
  }

  @WarrenBroker(lifetime = Lifetime.PER_JVM)
  static class JvmSampleOne {
    @Test
    void uses(TestBroker broker) throws Exception {
      connectAndRecord(broker);
    }
  }

  @WarrenBroker(lifetime = Lifetime.PER_JVM)
  static class JvmSampleTwo {
    @Test
    void usesTheSameBroker(TestBroker broker) throws Exception {
      connectAndRecord(broker);
    }
  }

  static class InstanceFieldSample {
    @org.junit.jupiter.api.extension.RegisterExtension
    WarrenExtension warren = new WarrenExtension();

    @Test
    void one() throws Exception {
      connectAndRecord(warren.testBroker());
    }

    @Test
    void two() throws Exception {
      connectAndRecord(warren.testBroker());
    }
  }
}
