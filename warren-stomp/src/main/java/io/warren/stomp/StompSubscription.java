package io.warren.stomp;

import io.warren.broker.gateway.QueueSubscription;
import io.warren.broker.queue.QueueEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One SUBSCRIBE: its id, ack mode and the deliveries it awaits ACK or NACK for, by delivery tag.
 * {@code client} acknowledges cumulatively (every earlier message of the subscription too),
 * {@code client-individual} one message at a time; {@code auto} needs no acknowledgement.
 * Event loop only.
 */
final class StompSubscription {

  enum AckMode {
    AUTO, CLIENT, CLIENT_INDIVIDUAL;

    static AckMode parse(String header) {
      return switch (header == null ? "auto" : header) {
        case "auto" -> AUTO;
        case "client" -> CLIENT;
        case "client-individual" -> CLIENT_INDIVIDUAL;
        default -> throw new StompError("Invalid ack header", "'" + header
            + "' is not a valid ack mode: use auto, client or client-individual.");
      };
    }
  }

  private final String id;
  private final AckMode mode;
  private final NavigableMap<Long, QueueEntry> unacked = new TreeMap<>();
  private QueueSubscription queueSubscription;

  StompSubscription(String id, AckMode mode) {
    this.id = id;
    this.mode = mode;
  }

  String id() {
    return id;
  }

  AckMode mode() {
    return mode;
  }

  void attach(QueueSubscription s) {
    this.queueSubscription = s;
  }

  QueueSubscription queueSubscription() {
    return queueSubscription;
  }

  void delivered(long tag, QueueEntry entry) {
    if (mode != AckMode.AUTO) {
      unacked.put(tag, entry);
    }
  }

  /** The deliveries an ACK or NACK of {@code tag} settles: one, or with {@code client} all up to it. */
  List<QueueEntry> take(long tag) {
    if (!unacked.containsKey(tag)) {
      return List.of();
    }
    if (mode == AckMode.CLIENT) {
      Map<Long, QueueEntry> upTo = unacked.headMap(tag, true);
      List<QueueEntry> taken = new ArrayList<>(upTo.values());
      upTo.clear();
      return taken;
    }
    return List.of(unacked.remove(tag));
  }

  void cancel() {
    unacked.clear();
    if (queueSubscription != null) {
      queueSubscription.cancel();
    }
  }
}
