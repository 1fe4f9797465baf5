package io.warren.it.resources;

import static io.warren.it.resources.AlarmTestSupport.awaitMessageCount;
import static io.warren.it.resources.AlarmTestSupport.blockedEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ's memory alarm on Warren's heap: above the memory limit, a connection that publishes
 * is blocked (connection.blocked "low on memory", no more reads) until memory use is under the
 * limit again; with the disk alarm on too the reason names both, and the connection stays blocked
 * until both have cleared. The limit is set below any real heap use to raise the alarm on purpose.
 */
@Tag("spec-connection-blocked")
class MemoryAlarmTest {

  @TempDir
  Path dataDir;

  @Test
  void shouldBlockPublishersWhileMemoryIsHighAndUnblockWhenItIsUnderTheLimitAgain() throws Exception {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir);
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      assertThat(broker.broker().memoryAlarm()).isFalse(); // the default limit is far above a test's heap
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(broker.port());
      cf.setAutomaticRecoveryEnabled(false);
      try (Connection publisher = cf.newConnection(); Connection observer = cf.newConnection()) {
        BlockingQueue<String> events = blockedEvents(publisher);
        Channel ch = publisher.createChannel();
        String queue = "memory-alarm-" + System.nanoTime();
        ch.queueDeclare(queue, false, false, false, null);

        broker.broker().setMemoryLimit(1);
        assertThat(broker.broker().memoryAlarm()).isTrue();
        ch.basicPublish("", queue, null, "first".getBytes());
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("blocked: low on memory");
        ch.basicPublish("", queue, null, "second".getBytes()); // waits in the socket
        Channel check = observer.createChannel();
        Thread.sleep(300);
        assertThat(check.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

        broker.broker().setMemoryLimit(Long.MAX_VALUE);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("unblocked");
        awaitMessageCount(check, queue, 2);
      }
    }
  }

  @Test
  void withBothAlarmsTheReasonNamesBothAndTheConnectionWaitsForBothToClear() throws Exception {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir)
        .withDiskFreeLimit(Long.MAX_VALUE);
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(broker.port());
      cf.setAutomaticRecoveryEnabled(false);
      try (Connection publisher = cf.newConnection(); Connection observer = cf.newConnection()) {
        BlockingQueue<String> events = blockedEvents(publisher);
        Channel ch = publisher.createChannel();
        String queue = "both-alarms-" + System.nanoTime();
        ch.queueDeclare(queue, false, false, false, null);
        broker.broker().setMemoryLimit(1);

        ch.basicPublish("", queue, null, "first".getBytes());
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("blocked: low on memory & disk");
        ch.basicPublish("", queue, null, "second".getBytes());

        broker.broker().setMemoryLimit(Long.MAX_VALUE); // the disk alarm is still on
        assertThat(events.poll(500, TimeUnit.MILLISECONDS)).isNull();
        Channel check = observer.createChannel();
        assertThat(check.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

        broker.broker().setDiskFreeLimit(0);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("unblocked");
        awaitMessageCount(check, queue, 2);
      }
    }
  }
}
