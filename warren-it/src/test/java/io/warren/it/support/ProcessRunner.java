package io.warren.it.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs an external program to completion with a deadline and returns its exit code and output. */
public final class ProcessRunner {

  /** Exit code and combined stdout + stderr. */
  public record Result(int exitCode, String output) {

    public List<String> lines() {
      return output.lines().toList();
    }
  }

  private ProcessRunner() {}

  /**
   * Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment; fails
   * the test (after killing the process) if it takes longer than {@code timeout}.
   */
  public static Result run(Path dir, Map<String, String> env, Duration timeout,
      List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    if (dir != null) {
      builder.directory(dir.toFile());
    }
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // nothing to send
    }
    // read while it runs, so a chatty program never blocks on a full pipe
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        fail(command + " did not finish within " + timeout + ":\n" + output.getNow("").strip());
      }
      return new Result(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException(e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e + ")";
    }
  }
}
