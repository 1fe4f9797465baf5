package io.warren.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Retained messages, one set per vhost as RabbitMQ keeps them, durable: each vhost's set is a
 * file under {@code <data>/mqtt/retained/}, rewritten (to a temporary file, fsynced, then moved
 * over the old one) whenever a retained message is set or cleared. That is simple and safe for
 * the usual handful of retained topics per device; a vhost with very many retained topics
 * updated very often would want an append-only log instead.
 */
final class RetainedMessages {

  /** A retained message: its MQTT topic, the QoS it was published with, and its payload. */
  record Retained(String topic, int qos, byte[] payload) {
  }

  private final Path dir;
  private final Map<String, Map<String, Retained>> byVhost = new ConcurrentHashMap<>();

  RetainedMessages(Path dataDir) {
    this.dir = dataDir.resolve("mqtt").resolve("retained");
  }

  /** Sets (or, with an empty payload, clears) the retained message of {@code topic}. */
  void put(String vhost, String topic, int qos, byte[] payload) {
    Map<String, Retained> set = load(vhost);
    synchronized (set) {
      if (payload.length == 0) {
        if (set.remove(topic) == null) {
          return;
        }
      } else {
        set.put(topic, new Retained(topic, qos, payload));
      }
      save(vhost, set);
    }
  }

  /** The retained messages whose topics match {@code filter}. */
  List<Retained> matching(String vhost, String filter) {
    Map<String, Retained> set = load(vhost);
    List<Retained> found = new ArrayList<>();
    synchronized (set) {
      for (Retained r : set.values()) {
        if (TopicNames.matches(filter, r.topic())) {
          found.add(r);
        }
      }
    }
    return found;
  }

  private Map<String, Retained> load(String vhost) {
    return byVhost.computeIfAbsent(vhost, v -> {
      Map<String, Retained> set = new LinkedHashMap<>();
      Path file = fileOf(v);
      if (Files.exists(file)) {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
          int n = in.readInt();
          for (int i = 0; i < n; i++) {
            String topic = in.readUTF();
            int qos = in.readByte();
            byte[] payload = new byte[in.readInt()];
            in.readFully(payload);
            set.put(topic, new Retained(topic, qos, payload));
          }
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read retained messages from " + file, e);
        }
      }
      return set;
    });
  }

  private void save(String vhost, Map<String, Retained> set) {
    Path file = fileOf(vhost);
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.createDirectories(dir);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeInt(set.size());
      for (Retained r : set.values()) {
        out.writeUTF(r.topic());
        out.writeByte(r.qos());
        out.writeInt(r.payload().length);
        out.write(r.payload());
      }
      out.flush();
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write retained messages to " + file, e);
    }
  }

  /** One file per vhost, named by the vhost's name in hex: any vhost name is a safe file name. */
  private Path fileOf(String vhost) {
    return dir.resolve(HexFormat.of().formatHex(vhost.getBytes(StandardCharsets.UTF_8)) + ".retained");
  }
}
