package io.warren.junit;

import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A broker the extension started, kept in a JUnit store: JUnit closes it when the store's
 * context ends (the test class, or the whole run for {@link Lifetime#PER_JVM}).
 */
final class RunningBroker implements AutoCloseable {

  private final EmbeddedBroker broker;
  private final Path dataDir; // null in memory

  private RunningBroker(EmbeddedBroker broker, Path dataDir) {
    this.broker = broker;
    this.dataDir = dataDir;
  }

  static RunningBroker start(Storage storage) {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0);
    if (storage == Storage.MEMORY) {
      return new RunningBroker(EmbeddedBroker.start(config.withoutDataDir()), null);
    }
    Path dir;
    try {
      dir = Files.createTempDirectory("warren-junit-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data folder for the test broker", e);
    }
    try {
      return new RunningBroker(EmbeddedBroker.start(config.withDataDir(dir)), dir);
    } catch (RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  EmbeddedBroker broker() {
    return broker;
  }

  @Override
  public void close() {
    try {
      broker.close();
    } finally {
      if (dataDir != null) {
        deleteTree(dataDir);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the test broker's data folder " + root, e);
    }
  }
}
