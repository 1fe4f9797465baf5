package io.warren.cluster;

import io.warren.broker.AmqpException;
import io.warren.broker.cluster.MetadataChange;
import io.warren.broker.cluster.MetadataStore;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits metadata changes through the Raft group: the change, sealed with the cluster secret,
 * goes to the leader; once a majority has it, every node applies it, and this node's caller is
 * answered with what applying it here gave. A node that cannot reach a majority answers as
 * RabbitMQ 4 does on a Khepri minority: after the timeout, 541 INTERNAL_ERROR "Could not ...
 * because the metadata store operation timed out" (Khepri's default timeout is 30 s).
 */
final class RatisMetadataStore implements MetadataStore, MetadataStateMachine.Outcomes {

  private static final Logger LOG = LoggerFactory.getLogger(RatisMetadataStore.class);

  /** What applying a change here gave: its result or its error. */
  private record Outcome(Object result, AmqpException error) {
  }

  private final String localNode;
  private final ClusterSecret secret;
  private final Duration timeout;
  private final AtomicLong requests = new AtomicLong();
  private final ConcurrentHashMap<Long, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
  private volatile RaftClient client;
  private final ExecutorService senders = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "warren-metadata-commit");
    t.setDaemon(true);
    return t;
  });

  RatisMetadataStore(String localNode, ClusterSecret secret, Duration timeout) {
    this.localNode = localNode;
    this.secret = secret;
    this.timeout = timeout;
  }

  void connect(RaftClient raftClient) {
    this.client = raftClient;
  }

  @Override
  public String localNode() {
    return localNode;
  }

  @Override
  public Object commit(MetadataChange change) {
    long request = requests.incrementAndGet();
    CompletableFuture<Outcome> applied = new CompletableFuture<>();
    pending.put(request, applied);
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      RaftClientReply reply = send(change, request).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      if (!reply.isSuccess()) {
        LOG.warn("{} was not committed: {}", change.describe(), reply.getException());
        throw timedOut(change);
      }
      Outcome outcome = applied.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (outcome.error() != null) {
        throw outcome.error();
      }
      return outcome.result();
    } catch (TimeoutException | ExecutionException e) {
      throw timedOut(change);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw timedOut(change);
    } finally {
      pending.remove(request);
    }
  }

  @Override
  public void commitLater(MetadataChange change) {
    send(change, 0).whenComplete((reply, error) -> {
      if (error != null || !reply.isSuccess()) {
        LOG.warn("could not commit {}: {}", change.describe(), error != null ? error : reply.getException());
      }
    });
  }

  /**
   * Sends through the blocking API on a thread of its own: Ratis' async API orders a client's
   * requests in one sliding window, and requests that failed while there was no leader (at
   * start, in a minority) kept later ones waiting.
   */
  private CompletableFuture<RaftClientReply> send(MetadataChange change, long request) {
    byte[] sealed = secret.seal(ChangeCodec.encode(new ChangeCodec.Envelope(localNode, request, change)));
    Message message = Message.valueOf(ByteString.copyFrom(sealed));
    return CompletableFuture.supplyAsync(() -> {
      try {
        return client.io().send(message);
      } catch (IOException e) {
        throw new CompletionException(e);
      }
    }, senders);
  }

  void close() {
    senders.shutdownNow();
  }

  private AmqpException timedOut(MetadataChange change) {
    return AmqpException.internalError("Could not %s on node '%s' because the metadata store operation timed out",
        change.describe(), localNode);
  }

  @Override
  public void applied(long request, Object result, AmqpException error) {
    CompletableFuture<Outcome> waiting = pending.get(request);
    if (waiting != null) {
      waiting.complete(new Outcome(result, error));
    }
  }
}
