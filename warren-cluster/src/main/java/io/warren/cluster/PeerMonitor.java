package io.warren.cluster;

import io.warren.broker.cluster.ClusterView;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.GroupInfoReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Which members are running: once a second, asks each other member's Raft server about the
 * metadata group. A member that answers for this group is running; one that is down, cut off,
 * or holds another secret (so runs another group) is not.
 */
final class PeerMonitor implements ClusterView {

  private final String localNode;
  private final List<String> members;
  private final Map<String, Boolean> running = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "warren-peer-monitor");
    t.setDaemon(true);
    return t;
  });

  PeerMonitor(String localNode, List<String> members) {
    this.localNode = localNode;
    this.members = List.copyOf(members);
  }

  void start(RaftClient client, RaftGroupId group, java.util.function.Function<String, RaftPeerId> ids) {
    timer.scheduleWithFixedDelay(() -> {
      for (String member : members) {
        if (!member.equals(localNode)) {
          running.put(member, answers(client, group, ids.apply(member)));
        }
      }
    }, 0, 1, TimeUnit.SECONDS);
  }

  private static boolean answers(RaftClient client, RaftGroupId group, RaftPeerId peer) {
    try {
      GroupInfoReply reply = client.getGroupManagementApi(peer).info(group);
      return reply.isSuccess();
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  void stop() {
    timer.shutdownNow();
  }

  @Override
  public String localNode() {
    return localNode;
  }

  @Override
  public List<NodeStatus> nodes() {
    List<NodeStatus> out = new ArrayList<>();
    out.add(new NodeStatus(localNode, true));
    for (String member : members) {
      if (!member.equals(localNode)) {
        out.add(new NodeStatus(member, running.getOrDefault(member, false)));
      }
    }
    return out;
  }
}
