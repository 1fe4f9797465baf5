package io.warren.cluster;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.broker.cluster.MetadataChange;
import io.warren.codec.FieldTables;
import io.warren.codec.LongString;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Metadata changes as bytes for the replicated log and snapshots: an AMQP field table naming
 * the change's type, the node and request that proposed it, and its fields by name. Field
 * tables are the codec Warren already uses for its own metadata log, and arguments (queue,
 * exchange, binding) are field tables to begin with.
 */
final class ChangeCodec {

  /** A change as proposed: who asked (so that node can answer its client) and the change. */
  record Envelope(String origin, long request, MetadataChange change) {
  }

  private static final Map<String, Class<?>> TYPES = new LinkedHashMap<>();

  static {
    for (Class<?> type : MetadataChange.class.getPermittedSubclasses()) {
      TYPES.put(type.getSimpleName(), type);
    }
  }

  private ChangeCodec() {
  }

  static byte[] encode(Envelope envelope) {
    MetadataChange change = envelope.change();
    Map<String, Object> fields = new LinkedHashMap<>();
    try {
      for (RecordComponent c : change.getClass().getRecordComponents()) {
        Object v = c.getAccessor().invoke(change);
        if (v != null) {
          fields.put(c.getName(), v);
        }
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
    Map<String, Object> table = new LinkedHashMap<>();
    table.put("type", change.getClass().getSimpleName());
    table.put("origin", envelope.origin());
    table.put("request", envelope.request());
    table.put("fields", fields);
    ByteBuf buf = Unpooled.buffer(256);
    try {
      FieldTables.write(buf, table);
      byte[] out = new byte[buf.readableBytes()];
      buf.readBytes(out);
      return out;
    } finally {
      buf.release();
    }
  }

  static Envelope decode(byte[] bytes) {
    Map<String, Object> table = FieldTables.read(Unpooled.wrappedBuffer(bytes));
    Class<?> type = TYPES.get(string(table.get("type")));
    if (type == null) {
      throw new IllegalArgumentException("unknown metadata change " + table.get("type"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> fields = (Map<String, Object>) table.get("fields");
    RecordComponent[] components = type.getRecordComponents();
    Object[] values = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      types[i] = components[i].getType();
      values[i] = convert(fields.get(components[i].getName()), types[i]);
    }
    try {
      Constructor<?> constructor = type.getDeclaredConstructor(types);
      MetadataChange change = (MetadataChange) constructor.newInstance(values);
      return new Envelope(string(table.get("origin")), ((Number) table.get("request")).longValue(), change);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot decode " + table, e);
    }
  }

  private static Object convert(Object v, Class<?> type) {
    if (type == String.class) {
      return string(v);
    }
    if (type == boolean.class) {
      return Boolean.TRUE.equals(v);
    }
    if (type == List.class) {
      return v instanceof List<?> l ? l.stream().map(ChangeCodec::string).toList() : List.of();
    }
    if (type == Map.class) {
      return v instanceof Map<?, ?> m ? m : Map.of();
    }
    throw new IllegalArgumentException("unsupported field type " + type);
  }

  private static String string(Object v) {
    return v == null ? null : v instanceof LongString ls ? ls.toString() : v.toString();
  }
}
