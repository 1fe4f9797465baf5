package io.warren.it.support;

import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real server ({@code java -jar warren-server.jar}) as a child process, for tests that need
 * what an in-process broker cannot give: a SIGTERM, a SIGKILL, a fresh JVM reading the data folder.
 *
 * <p>The jar is the one Maven built, named by the system property {@code warren.server.jar}; it
 * runs on the JDK that runs the tests. Its stdout and stderr go to a file so that the output
 * survives a SIGKILL and a test can read what the broker logged ({@link #output()}).
 */
public final class WarrenProcess implements AutoCloseable {

  /** How long a start may take before the test fails: a JVM start plus recovery. */
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  /** A port picked free can be taken by someone else before the server binds it; retry then. */
  private static final int START_ATTEMPTS = 3;
  /** Small heap and one GC thread: several agents share a 2-core machine. */
  private static final List<String> JVM_OPTIONS =
      List.of("-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

  private final Process process;
  private final int port;
  private final Path outputFile;
  /** Where this process's output starts in {@link #outputFile}, which earlier runs may share. */
  private final long outputStart;

  private WarrenProcess(Process process, int port, Path outputFile, long outputStart) {
    this.process = process;
    this.port = port;
    this.outputFile = outputFile;
    this.outputStart = outputStart;
  }

  /**
   * Starts the server on a free loopback port with its data in {@code dataDir}, appending its
   * output to {@code outputFile}, and returns once the port accepts connections.
   */
  public static WarrenProcess start(Path dataDir, Path outputFile) {
    return start(dataDir, outputFile, List.of());
  }

  /** Like {@link #start(Path, Path)}, with more command-line arguments, e.g. {@code --config FILE}. */
  public static WarrenProcess start(Path dataDir, Path outputFile, List<String> serverArgs) {
    for (int attempt = 1; ; attempt++) {
      int port = freePort();
      WarrenProcess p = launch(dataDir, outputFile, port, serverArgs);
      if (p.awaitListening()) {
        return p;
      }
      p.kill();
      String output = p.output();
      if (attempt < START_ATTEMPTS && output.contains("cannot listen")) {
        continue;
      }
      return fail("Warren did not start listening on port " + port + " within " + START_TIMEOUT
          + " (exit code " + p.exitCodeOrNull() + "); its output:\n" + output);
    }
  }

  private static WarrenProcess launch(Path dataDir, Path outputFile, int port, List<String> serverArgs) {
    long outputStart = size(outputFile);
    String jar = System.getProperty("warren.server.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      fail("system property warren.server.jar must name the built server jar (got " + jar
          + "); build it with: mvn -pl warren-server package");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", jar, "--bind", "127.0.0.1", "--port", Integer.toString(port),
        "--data-dir", dataDir.toString(), "--management-port", "0", "--prometheus-port", "0"));
    command.addAll(serverArgs);
    try {
      Process process = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(outputFile.toFile()))
          .start();
      return new WarrenProcess(process, port, outputFile, outputStart);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  private boolean awaitListening() {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    return false;
  }

  /** The AMQP port the server listens on (loopback). */
  public int port() {
    return port;
  }

  /** The operating system's id of the server process. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** A connection factory for this server as guest, with the client's automatic recovery off. */
  public ConnectionFactory connectionFactory() {
    ConnectionFactory cf = new ConnectionFactory();
    cf.setHost("127.0.0.1");
    cf.setPort(port);
    cf.setAutomaticRecoveryEnabled(false);
    cf.setTopologyRecoveryEnabled(false);
    cf.setConnectionTimeout(5_000);
    return cf;
  }

  /**
   * Sends SIGTERM (a clean stop: the server's shutdown hook runs) and waits up to {@code timeout}
   * for the process to end.
   *
   * @return the exit code, or null if the process is still running after {@code timeout}
   */
  public Integer terminate(Duration timeout) {
    process.destroy();
    try {
      if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        return process.exitValue();
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Sends SIGKILL: no shutdown hook, no flush; whatever the kernel has, the disk keeps. */
  public void kill() {
    process.destroyForcibly();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        fail("process " + process.pid() + " survived SIGKILL for 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What this server process has printed so far (stdout and stderr). */
  public String output() {
    return outputSince(outputStart);
  }

  private String outputSince(long offset) {
    try {
      byte[] all = Files.readAllBytes(outputFile);
      int from = (int) Math.min(offset, all.length);
      return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Integer exitCodeOrNull() {
    return process.isAlive() ? null : process.exitValue();
  }

  /** Kills the process if a test left it running (e.g. after a failed assertion). */
  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(false);
      s.bind(new InetSocketAddress("127.0.0.1", 0));
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
