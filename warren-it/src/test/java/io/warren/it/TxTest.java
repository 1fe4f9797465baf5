package io.warren.it;

import static io.warren.it.support.CloseReasons.assertChannelError;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.Cleanup;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Transactions: tx.select, tx.commit and tx.rollback over publishes and acks. */
@Tag("tx")
class TxTest extends BrokerTestSupport {

  private final Cleanup cleanup = new Cleanup();

  @AfterEach
  void deleteQueues() throws Exception {
    cleanup.deleteAll(connectionFactory());
  }

  private static void publish(Channel ch, String queue, String... bodies) throws Exception {
    for (String b : bodies) {
      ch.basicPublish("", queue, null, b.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static List<String> drain(Channel ch, String queue) throws Exception {
    List<String> out = new ArrayList<>();
    for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) {
      String body = new String(r.getBody(), StandardCharsets.UTF_8);
      out.add(body + (r.getEnvelope().isRedeliver() ? "/redelivered" : ""));
    }
    return out;
  }

  @Test
  void shouldAnswerTxSelectWithSelectOkAndAcceptItTwice() throws Exception {
    Channel ch = openChannel();

    AMQP.Tx.SelectOk first = ch.txSelect();
    AMQP.Tx.SelectOk second = ch.txSelect();

    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(ch.isOpen()).isTrue();
  }

  @Test
  void shouldHidePublishesUntilCommit() throws Exception {
    Connection conn = connect();
    Channel tx = conn.createChannel();
    Channel observer = conn.createChannel();
    String q = observer.queueDeclare(uniqueName("tx-pub"), false, true, false, null).getQueue();
    tx.txSelect();

    publish(tx, q, "a", "b", "c");
    assertThat(observer.queueDeclarePassive(q).getMessageCount()).isZero();
    tx.txCommit();

    assertThat(drain(observer, q)).containsExactly("a", "b", "c");
  }

  @Test
  void shouldDiscardPublishesOnRollbackAndStayTransactional() throws Exception {
    Connection conn = connect();
    Channel tx = conn.createChannel();
    Channel observer = conn.createChannel();
    String q = observer.queueDeclare(uniqueName("tx-rb"), false, true, false, null).getQueue();
    tx.txSelect();
    publish(tx, q, "discarded-1", "discarded-2");

    tx.txRollback();
    publish(tx, q, "kept");
    assertThat(observer.queueDeclarePassive(q).getMessageCount()).isZero();
    tx.txCommit();

    assertThat(drain(observer, q)).containsExactly("kept");
  }

  @Test
  void shouldApplyAnEmptyCommitWithoutError() throws Exception {
    Channel ch = openChannel();
    ch.txSelect();

    AMQP.Tx.CommitOk ok = ch.txCommit();
    AMQP.Tx.RollbackOk rolledBack = ch.txRollback();

    assertThat(ok).isNotNull();
    assertThat(rolledBack).isNotNull();
  }

  @Test
  void shouldNotApplyAnAckUntilCommit() throws Exception {
    Channel tx = openChannel();
    String q = cleanup.queue(tx, uniqueName("tx-ack"));
    publish(tx, q, "m1", "m2");
    tx.txSelect();
    long tag = tx.basicGet(q, false).getEnvelope().getDeliveryTag();

    tx.basicAck(tag, false);
    tx.close(); // never committed: the ack is forgotten and the delivery requeued

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m1/redelivered", "m2");
  }

  @Test
  void shouldApplyAnAckOnCommit() throws Exception {
    Channel tx = openChannel();
    String q = cleanup.queue(tx, uniqueName("tx-ack-commit"));
    publish(tx, q, "m1", "m2");
    tx.txSelect();
    long tag = tx.basicGet(q, false).getEnvelope().getDeliveryTag();

    tx.basicAck(tag, false);
    tx.txCommit();
    tx.close();

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m2");
  }

  @Test
  void shouldKeepMessagesUnackedWhenAnAckIsRolledBack() throws Exception {
    Channel tx = openChannel();
    String q = cleanup.queue(tx, uniqueName("tx-ack-rb"));
    publish(tx, q, "m1", "m2");
    tx.txSelect();
    long tag = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
    tx.basicAck(tag, false);

    tx.txRollback();
    Channel check = openChannel();
    assertThat(check.queueDeclarePassive(q).getMessageCount()).isEqualTo(1);
    tx.basicAck(tag, false); // still outstanding, so it can be acked again
    tx.txCommit();
    tx.close();

    assertThat(drain(check, q)).containsExactly("m2");
  }

  @Test
  void shouldRequeueRolledBackAcksWhenTheChannelCloses() throws Exception {
    Channel tx = openChannel();
    String q = cleanup.queue(tx, uniqueName("tx-ack-rb-close"));
    publish(tx, q, "m1", "m2");
    tx.txSelect();
    tx.basicGet(q, false);
    long second = tx.basicGet(q, false).getEnvelope().getDeliveryTag();
    tx.basicAck(second, true);

    tx.txRollback();
    tx.close();

    Channel check = openChannel();
    assertThat(drain(check, q)).containsExactly("m1/redelivered", "m2/redelivered");
  }

  @Test
  void shouldApplyRejectWithRequeueOnlyOnCommit() throws Exception {
    Channel tx = openChannel();
    String q = cleanup.queue(tx, uniqueName("tx-reject"));
    publish(tx, q, "m1");
    tx.txSelect();
    long tag = tx.basicGet(q, false).getEnvelope().getDeliveryTag();

    tx.basicReject(tag, true);
    Channel check = openChannel();
    assertThat(check.queueDeclarePassive(q).getMessageCount()).isZero();
    tx.txCommit();

    assertThat(drain(check, q)).containsExactly("m1/redelivered");
  }

  @Test
  void shouldReturnAnUnroutableMandatoryPublishAtCommitNotBefore() throws Exception {
    Channel tx = openChannel();
    List<String> returned = new CopyOnWriteArrayList<>();
    tx.addReturnListener(r -> returned.add(r.getReplyCode() + " " + r.getRoutingKey()));
    tx.txSelect();
    String missing = uniqueName("missing");

    tx.basicPublish("", missing, true, null, "lost".getBytes(StandardCharsets.UTF_8));
    tx.basicQos(0); // a round trip: a return sent at publish time would be here by now
    assertThat(returned).isEmpty();
    tx.txCommit();

    assertThat(returned).containsExactly("312 " + missing);
  }

  @Test
  void shouldReturnAMandatoryPublishWhoseQueueIsDeletedBeforeTheCommit() throws Exception {
    Connection conn = connect();
    Channel tx = conn.createChannel();
    Channel admin = conn.createChannel();
    String q = admin.queueDeclare(uniqueName("tx-deleted"), false, true, false, null).getQueue();
    List<String> returned = new CopyOnWriteArrayList<>();
    tx.addReturnListener(r -> returned.add(r.getReplyCode() + " " + r.getRoutingKey()));
    tx.txSelect();

    tx.basicPublish("", q, true, null, "routed, then not".getBytes(StandardCharsets.UTF_8));
    tx.basicQos(0);
    admin.queueDelete(q);
    tx.txCommit();

    assertThat(returned).containsExactly("312 " + q);
  }

  @Test
  void shouldCloseChannelWith406OnCommitWithoutSelect() throws Exception {
    Channel ch = openChannel();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - channel is not transactional", ch::txCommit);
  }

  @Test
  void shouldCloseChannelWith406OnRollbackWithoutSelect() throws Exception {
    Channel ch = openChannel();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - channel is not transactional", ch::txRollback);
  }

  @Test
  void shouldCloseChannelWith406WhenCommittingAnAckForAnUnknownTag() throws Exception {
    Channel ch = openChannel();
    ch.txSelect();

    assertChannelError(
        ch, 406, "PRECONDITION_FAILED - unknown delivery tag 9", () -> ch.basicAck(9, false));
  }
}
