package io.warren.broker.durable;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.warren.broker.exchange.Binding;
import io.warren.broker.exchange.Exchange;
import io.warren.broker.message.Message;
import io.warren.broker.queue.AmqpQueue;
import io.warren.broker.queue.MessagePaging;
import io.warren.broker.vhost.Persistence;
import io.warren.codec.ContentHeader;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import io.warren.store.MessageStore;
import io.warren.store.MetadataLog;
import io.warren.store.QueueLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's durable definitions, kept in the store's metadata log: one record per change
 * ("put" or "delete" of a vhost, exchange, queue or binding), written and fsynced before the
 * client hears declare-ok. Records are AMQP field tables, so the log reads with the same codec
 * as the wire and can grow new fields without a format change.
 *
 * <p>The live set of definitions is also kept in memory, keyed by identity: replaying the log
 * rebuilds it, and compaction rewrites the log as exactly that set. Deleting an exchange or a
 * queue drops the bindings that lead to or from it, here and in the replay, as in the broker.
 * Methods are synchronized: vhosts call them under their own locks, from any event loop.
 */
public final class DurableDefinitions implements Persistence {

  private static final Logger LOG = LoggerFactory.getLogger(DurableDefinitions.class);

  /** Compact when the log holds this many times more records than there are live definitions. */
  private static final int COMPACTION_RATIO = 4;
  private static final int COMPACTION_MIN_RECORDS = 1_000;

  private final MessageStore store;
  private final MetadataLog log;
  private final LinkedHashMap<String, Map<String, Object>> live = new LinkedHashMap<>();
  private boolean replaying;
  /** False in a cluster, whose definitions live in the cluster's log: only queue logs are kept here. */
  private boolean recordingDefinitions = true;
  private final MessagePaging paging = new MessagePaging() {
    @Override
    public ByteBuf encode(Message message) {
      return MessageRecord.encode(ByteBufAllocator.DEFAULT, message);
    }

    @Override
    public Message decode(ByteBuf record) {
      return MessageRecord.decode(record);
    }

    @Override
    public long arrivedAt(ByteBuf record) {
      return MessageRecord.arrivedAt(record);
    }

    @Override
    public ContentHeader header(ByteBuf record) {
      return MessageRecord.header(record);
    }

    @Override
    public QueueLog openScratchLog() {
      // not in the metadata log, so the next start deletes it as an orphan
      return store.openQueue("scratch-" + UUID.randomUUID());
    }

    @Override
    public void deleteScratchLog(QueueLog scratch) {
      store.deleteQueue(scratch.id());
    }
  };

  public DurableDefinitions(MessageStore store) {
    this.store = store;
    this.log = store.metadata();
  }

  /** Reads the log and returns the live definitions in the order they must be re-created. */
  public synchronized List<Map<String, Object>> recover() {
    log.recover(record -> apply(FieldTables.read(record)));
    List<Map<String, Object>> ordered = new ArrayList<>();
    for (String kind : new String[] {"user", "vhost", "permission", "exchange", "queue", "binding"}) {
      for (Map<String, Object> d : live.values()) {
        if (kind.equals(string(d, "kind"))) {
          ordered.add(d);
        }
      }
    }
    if (log.recordCount() > COMPACTION_MIN_RECORDS && log.recordCount() > (long) COMPACTION_RATIO * live.size()) {
      compact();
    }
    return ordered;
  }

  /** Changes made while re-creating recovered definitions are not written again. */
  public synchronized void setReplaying(boolean replaying) {
    this.replaying = replaying;
  }

  /**
   * For a node of a cluster: definitions are not written to the metadata log (the cluster's
   * replicated log has them); durable queues still get their message logs here.
   */
  public synchronized void keepQueueLogsOnly() {
    this.recordingDefinitions = false;
  }

  /** The log folder name of a durable queue. */
  public static String queueId(String vhost, String queue) {
    return QueueIds.of(vhost, queue);
  }

  // ---- Persistence ----

  @Override
  public synchronized void exchangeAdded(Exchange x) {
    Map<String, Object> d = definition("exchange", x.vhost(), x.name());
    d.put("type", x.type().amqpName());
    d.put("auto_delete", x.autoDelete());
    d.put("internal", x.internal());
    d.put("arguments", x.arguments());
    put(d);
  }

  @Override
  public synchronized void exchangeRemoved(Exchange x) {
    delete(definition("exchange", x.vhost(), x.name()));
  }

  @Override
  public synchronized QueueLog queueAdded(AmqpQueue q) {
    String id = queueId(q.vhost(), q.name());
    Map<String, Object> d = definition("queue", q.vhost(), q.name());
    d.put("auto_delete", q.autoDelete());
    d.put("arguments", q.arguments());
    d.put("id", id);
    put(d);
    return store.openQueue(id);
  }

  @Override
  public synchronized void queueRemoved(AmqpQueue q) {
    delete(definition("queue", q.vhost(), q.name()));
    store.deleteQueue(queueId(q.vhost(), q.name()));
  }

  @Override
  public synchronized void bindingAdded(Binding b) {
    put(binding(b));
  }

  @Override
  public synchronized void bindingRemoved(Binding b) {
    delete(binding(b));
  }

  @Override
  public MessagePaging paging() {
    return paging;
  }

  /** Records a vhost (so that it survives a restart). */
  public synchronized void vhostAdded(String vhost, String description, List<String> tags) {
    Map<String, Object> d = definition("vhost", vhost, vhost);
    d.put("description", description);
    d.put("tags", List.copyOf(tags));
    put(d);
  }

  /** A deleted vhost takes its definitions and permissions with it. */
  public synchronized void vhostRemoved(String vhost) {
    delete(definition("vhost", vhost, vhost));
  }

  /** Users live outside vhosts; their records use the empty vhost name. */
  public synchronized void userPut(String name, String passwordHash, String hashingAlgorithm, List<String> tags) {
    Map<String, Object> d = definition("user", "", name);
    d.put("password_hash", passwordHash);
    d.put("hashing_algorithm", hashingAlgorithm);
    d.put("tags", List.copyOf(tags));
    put(d);
  }

  public synchronized void userDeleted(String name) {
    delete(definition("user", "", name));
  }

  public synchronized void permissionsSet(String user, String vhost, String configure, String write, String read) {
    Map<String, Object> d = definition("permission", vhost, user);
    d.put("configure", configure);
    d.put("write", write);
    d.put("read", read);
    put(d);
  }

  public synchronized void permissionsCleared(String user, String vhost) {
    delete(definition("permission", vhost, user));
  }


  // ---- records ----

  private static Map<String, Object> definition(String kind, String vhost, String name) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("kind", kind);
    d.put("vhost", vhost);
    d.put("name", name);
    return d;
  }

  private static Map<String, Object> binding(Binding b) {
    Map<String, Object> d = definition("binding", b.source().vhost(), b.source().name());
    d.put("destination", b.destination().name());
    d.put("destination_type", b.destination() instanceof AmqpQueue ? "queue" : "exchange");
    d.put("routing_key", b.bindingKey());
    d.put("arguments", b.arguments());
    return d;
  }

  private void put(Map<String, Object> d) {
    if (replaying || !recordingDefinitions) {
      return;
    }
    d.put("op", "put");
    write(d);
    apply(d);
  }

  private void delete(Map<String, Object> d) {
    if (replaying || !recordingDefinitions) {
      return;
    }
    d.put("op", "delete");
    write(d);
    apply(d);
  }

  private void write(Map<String, Object> d) {
    ByteBuf buf = Unpooled.buffer(256);
    try {
      FieldTables.write(buf, d);
      log.append(buf);
      log.sync();
    } finally {
      buf.release();
    }
  }

  /** Applies one record to the live set (used both when writing and when replaying). */
  private void apply(Map<String, Object> d) {
    String kind = string(d, "kind");
    String key = key(d);
    if ("put".equals(string(d, "op"))) {
      Map<String, Object> copy = new LinkedHashMap<>(d);
      copy.remove("op");
      live.put(key, copy);
      return;
    }
    live.remove(key);
    if (kind.equals("exchange") || kind.equals("queue")) {
      String vhost = string(d, "vhost");
      String name = string(d, "name");
      live.values().removeIf(b -> "binding".equals(string(b, "kind")) && vhost.equals(string(b, "vhost"))
          && ((kind.equals("exchange") && name.equals(string(b, "name")))
              || (name.equals(string(b, "destination")) && kind.equals(string(b, "destination_type")))));
    } else if (kind.equals("vhost")) {
      String vhost = string(d, "name");
      live.values().removeIf(x -> vhost.equals(string(x, "vhost")));
    } else if (kind.equals("user")) {
      String user = string(d, "name");
      live.values().removeIf(x -> "permission".equals(string(x, "kind")) && user.equals(string(x, "name")));
    }
  }

  private static String key(Map<String, Object> d) {
    String base = string(d, "kind") + "\u0000" + string(d, "vhost") + "\u0000" + string(d, "name");
    if (!"binding".equals(string(d, "kind"))) {
      return base;
    }
    return base + "\u0000" + string(d, "destination_type") + "\u0000" + string(d, "destination") + "\u0000"
        + string(d, "routing_key") + "\u0000" + d.get("arguments");
  }

  /** Rewrites the log as the live set, crash-safely (the store writes a new file and renames it). */
  private void compact() {
    long before = log.recordCount();
    List<ByteBuf> records = new ArrayList<>();
    try {
      for (Map<String, Object> d : live.values()) {
        Map<String, Object> record = new LinkedHashMap<>(d);
        record.put("op", "put");
        ByteBuf buf = Unpooled.buffer(256);
        FieldTables.write(buf, record);
        records.add(buf);
      }
      log.rewrite(records);
      LOG.info("compacted the metadata log from {} to {} records", before, records.size());
    } finally {
      records.forEach(ByteBuf::release);
    }
  }

  /** Field-table strings come back as LongString; compare and key them as Java strings. */
  static String string(Map<String, Object> d, String field) {
    Object v = d.get(field);
    return v == null ? null : v instanceof LongString ls ? ls.toString() : v.toString();
  }

  static boolean bool(Map<String, Object> d, String field) {
    return Boolean.TRUE.equals(d.get(field));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> table(Map<String, Object> d, String field) {
    Object v = d.get(field);
    return v instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }
}
