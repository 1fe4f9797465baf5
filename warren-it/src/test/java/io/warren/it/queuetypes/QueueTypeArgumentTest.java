package io.warren.it.queuetypes;

import static io.warren.it.support.AmqpAssertions.assertChannelError;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.rabbitmq.client.Channel;
import io.warren.it.support.BrokerTestSupport;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * x-queue-type: classic and quorum are accepted (quorum queues behave as classic ones until
 * the cluster work lands); an unknown type is refused with RabbitMQ 3.10's text, and so is
 * stream, which Warren does not implement yet: accepting it would give a queue whose consumers
 * remove what they read.
 */
@Tag("rabbitmq-extensions")
class QueueTypeArgumentTest extends BrokerTestSupport {

  @Test
  void shouldRefuseAnUnknownQueueType() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'qt-foo'"
        + " in vhost '/': \"unsupported queue type 'foo'\"",
        () -> ch.queueDeclare("qt-foo", true, false, false, Map.of("x-queue-type", "foo")));
  }

  @Test
  void shouldRefuseAQueueTypeThatIsNotAString() throws Exception {
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'qt-int'"
        + " in vhost '/': {unacceptable_type,signedint}",
        () -> ch.queueDeclare("qt-int", true, false, false, Map.of("x-queue-type", 5)));
  }

  @Test
  void shouldRefuseStreamQueuesUntilTheyAreImplemented() throws Exception {
    assumeThat(external()).as("RabbitMQ implements streams").isFalse();
    Channel ch = openChannel();
    assertChannelError(ch, 406, "PRECONDITION_FAILED - invalid arg 'x-queue-type' for queue 'qt-stream'"
        + " in vhost '/': \"unsupported queue type 'stream'\"",
        () -> ch.queueDeclare("qt-stream", true, false, false, Map.of("x-queue-type", "stream")));
  }

  @Test
  void shouldAcceptClassicQueues() throws Exception {
    Channel ch = openChannel();
    String q = ch.queueDeclare(uniqueName("qt-classic"), false, true, false, Map.of("x-queue-type", "classic"))
        .getQueue();
    ch.queueDeclarePassive(q);
  }
}
