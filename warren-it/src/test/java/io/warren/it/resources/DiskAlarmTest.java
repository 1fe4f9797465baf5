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
 * RabbitMQ's disk alarm: below the free-disk limit, a connection that publishes is blocked
 * (connection.blocked "low on disk", no more reads) until space comes back; nothing published
 * before is lost. The limit is set above any real disk size to raise the alarm on purpose.
 */
@Tag("spec-connection-blocked")
class DiskAlarmTest {

  @TempDir
  Path dataDir;

  @Test
  void shouldBlockPublishersWhileDiskIsLowAndUnblockWhenSpaceComesBack() throws Exception {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withDataDir(dataDir)
        .withDiskFreeLimit(Long.MAX_VALUE);
    try (EmbeddedBroker broker = EmbeddedBroker.start(config)) {
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(broker.port());
      cf.setAutomaticRecoveryEnabled(false);
      try (Connection publisher = cf.newConnection(); Connection observer = cf.newConnection()) {
        BlockingQueue<String> events = blockedEvents(publisher);
        Channel ch = publisher.createChannel();
        String queue = "disk-alarm-" + System.nanoTime();
        ch.queueDeclare(queue, false, false, false, null);
        ch.basicPublish("", queue, null, "first".getBytes());

        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("blocked: low on disk");
        // The blocked connection is not read: this publish waits in the socket.
        ch.basicPublish("", queue, null, "second".getBytes());
        Channel check = observer.createChannel();
        Thread.sleep(300);
        assertThat(check.queueDeclarePassive(queue).getMessageCount()).isEqualTo(1);

        broker.broker().setDiskFreeLimit(0);
        assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("unblocked");
        awaitMessageCount(check, queue, 2);
      }
    }
  }
}
