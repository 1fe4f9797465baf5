package io.warren.cluster;

import io.warren.broker.AmqpException;
import io.warren.broker.Broker;
import io.warren.broker.cluster.MetadataApplier;
import io.warren.broker.cluster.MetadataChange;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.StateMachineStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.MD5FileUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's metadata as a Raft state machine: each committed log entry is one sealed
 * {@link MetadataChange}, applied to this node's broker in log order, so every node holds the
 * same users, vhosts, permissions, exchanges, queue definitions and bindings. The broker itself
 * is the state; a snapshot writes it out as changes ({@link MetadataSnapshot}), and loading one
 * (at start, or when the leader sends one to a node too far behind) makes the broker match it.
 */
final class MetadataStateMachine extends BaseStateMachine {

  private static final Logger LOG = LoggerFactory.getLogger(MetadataStateMachine.class);

  /** Where a node that proposed a change hears how applying it went here. */
  interface Outcomes {
    void applied(long request, Object result, AmqpException error);
  }

  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final Broker broker;
  private final MetadataApplier applier;
  private final ClusterSecret secret;
  private final String localNode;
  private final Outcomes outcomes;

  MetadataStateMachine(Broker broker, ClusterSecret secret, String localNode, Outcomes outcomes) {
    this.broker = broker;
    this.applier = new MetadataApplier(broker.definitions(), broker.vhosts(), localNode);
    this.secret = secret;
    this.localNode = localNode;
    this.outcomes = outcomes;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    reinitialize();
  }

  @Override
  public StateMachineStorage getStateMachineStorage() {
    return storage;
  }

  @Override
  public synchronized void reinitialize() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    if (snapshot == null) {
      return;
    }
    File file = snapshot.getFile().getPath().toFile();
    MD5Hash md5 = snapshot.getFile().getFileDigest();
    if (md5 != null) {
      MD5FileUtil.verifySavedMD5(file, md5);
    }
    List<MetadataChange> changes;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file.toPath()))) {
      changes = MetadataSnapshot.read(in);
    }
    MetadataSnapshot.restore(broker, applier, localNode, changes);
    updateLastAppliedTermIndex(snapshot.getTermIndex());
    LOG.info("loaded the metadata snapshot at {} ({} definitions)", snapshot.getTermIndex(), changes.size());
  }

  /** Refuses, before it is logged, a change not sealed with the cluster secret. */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    if (secret.open(request.getMessage().getContent().toByteArray()) == null) {
      throw new IOException("metadata change refused: not signed with this cluster's secret");
    }
    return super.startTransaction(request);
  }

  @Override
  public synchronized CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    byte[] payload = secret.open(entry.getStateMachineLogEntry().getLogData().toByteArray());
    updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    if (payload == null) {
      LOG.warn("skipping log entry {}: not signed with this cluster's secret", entry.getIndex());
      return CompletableFuture.completedFuture(Message.EMPTY);
    }
    ChangeCodec.Envelope envelope = ChangeCodec.decode(payload);
    Object result = null;
    AmqpException error = null;
    try {
      result = applier.apply(envelope.change());
    } catch (AmqpException e) {
      error = e;
    } catch (RuntimeException e) {
      LOG.error("applying {} failed", envelope.change().describe(), e);
      error = AmqpException.internalError("%s failed: %s", envelope.change().describe(), e.getMessage());
    }
    if (localNode.equals(envelope.origin())) {
      outcomes.applied(envelope.request(), result, error);
    }
    return CompletableFuture.completedFuture(Message.EMPTY);
  }

  @Override
  public synchronized long takeSnapshot() throws IOException {
    TermIndex applied = getLastAppliedTermIndex();
    File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
    int count;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file.toPath()))) {
      count = MetadataSnapshot.write(broker, localNode, out);
    }
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), applied));
    LOG.info("took a metadata snapshot at {} ({} definitions)", applied, count);
    return applied.getIndex();
  }
}
