package io.warren.it.support;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the Python programs under {@code src/test/python} as real processes with Debian's
 * {@code /usr/bin/python3}, and lets a test wait for, and assert on, what they print.
 *
 * <p>Every process is an {@link AutoCloseable} {@link PythonProcess}: use it in
 * try-with-resources so it is killed (with any children) however the test ends. Waits take an
 * explicit timeout and fail with the process's output, never hang.
 */
public final class PythonRunner {

  /** The interpreter CI provides python3-pika and python3-celery for. */
  public static final String PYTHON = "/usr/bin/python3";

  private final Path scriptsDir;
  private final Map<String, String> environment;

  /**
   * A runner for the scripts in the folder named by the {@code warren.python.dir} system
   * property (set by warren-it's pom), with the given variables in every process's environment.
   */
  public static PythonRunner fromSystemProperty(final Map<String, String> environment) {
    final String dir = System.getProperty("warren.python.dir");
    if (dir == null || !Files.isDirectory(Path.of(dir))) {
      fail("system property warren.python.dir must name the folder of the Python test programs,"
          + " but is " + dir);
    }
    return new PythonRunner(Path.of(dir), environment);
  }

  public PythonRunner(final Path scriptsDir, final Map<String, String> environment) {
    this.scriptsDir = scriptsDir;
    this.environment = Map.copyOf(environment);
  }

  /**
   * Fails (never skips) unless {@link #PYTHON} exists and imports every module named: these
   * tests are part of the proof that Python clients work, so a machine without them must not
   * pass silently.
   */
  public static void requireModules(final String debianPackages, final String... modules) {
    final String imports = "import " + String.join(", ", modules);
    final List<String> command = List.of(PYTHON, "-c", imports);
    try {
      final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        fail(PYTHON + " -c '" + imports + "' did not finish within 30 s");
      }
      if (p.exitValue() != 0) {
        fail(PYTHON + " cannot '" + imports + "'; install it with: apt-get install -y "
            + debianPackages + "\n" + output.strip());
      }
    } catch (IOException e) {
      fail("cannot run " + PYTHON + " (install python3 and " + debianPackages + "): " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Starts {@code script} with the runner's environment plus {@code extraEnvironment}. */
  public PythonProcess start(final Map<String, String> extraEnvironment, final String script,
      final String... args) {
    final List<String> command = new ArrayList<>();
    command.add(PYTHON);
    command.add(script);
    command.addAll(Arrays.asList(args));
    return startCommand(extraEnvironment, command);
  }

  /** Starts {@code python3 -m module args...}, e.g. a Celery worker. */
  public PythonProcess startModule(final Map<String, String> extraEnvironment,
      final String module, final String... args) {
    final List<String> command = new ArrayList<>();
    command.add(PYTHON);
    command.add("-m");
    command.add(module);
    command.addAll(Arrays.asList(args));
    return startCommand(extraEnvironment, command);
  }

  /** Runs {@code script} to its end and returns what it printed; fails unless it exits with 0. */
  public List<String> run(final Duration timeout, final String script, final String... args) {
    try (PythonProcess p = start(Map.of(), script, args)) {
      return p.awaitSuccess(timeout);
    }
  }

  private PythonProcess startCommand(final Map<String, String> extraEnvironment,
      final List<String> command) {
    final ProcessBuilder builder = new ProcessBuilder(command).directory(scriptsDir.toFile());
    final Map<String, String> env = builder.environment();
    env.putAll(environment);
    env.putAll(extraEnvironment);
    // Lines must reach the test as they are printed, not when a pipe buffer fills.
    env.put("PYTHONUNBUFFERED", "1");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    try {
      return new PythonProcess(String.join(" ", command), builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** A running Python program and the lines it has printed so far. */
  public static final class PythonProcess implements AutoCloseable {

    private final String description;
    private final Process process;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();
    private final Thread stdoutReader;
    private final Thread stderrReader;

    PythonProcess(final String description, final Process process) {
      this.description = description;
      this.process = process;
      this.stdoutReader = collect(process.getInputStream(), stdout, "stdout");
      this.stderrReader = collect(process.getErrorStream(), stderr, "stderr");
    }

    private Thread collect(final InputStream in, final List<String> into, final String name) {
      final Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(
            new InputStreamReader(in, StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            synchronized (this) {
              into.add(line);
              notifyAll();
            }
          }
        } catch (IOException ignored) {
          // the process was killed; what was read so far is all there is
        }
      }, "python-" + name + "-" + process.pid());
      reader.setDaemon(true);
      reader.start();
      return reader;
    }

    /**
     * Waits until a line on stdout or stderr matches {@code regex} (the whole line) and returns
     * it; fails if the process exits first or the timeout passes.
     */
    public String awaitLine(final String regex, final Duration timeout) {
      final Pattern pattern = Pattern.compile(regex);
      final long deadline = System.nanoTime() + timeout.toNanos();
      synchronized (this) {
        while (true) {
          for (List<String> lines : List.of(stdout, stderr)) {
            for (String line : lines) {
              if (pattern.matcher(line).matches()) {
                return line;
              }
            }
          }
          final long left = deadline - System.nanoTime();
          if (left <= 0 || !process.isAlive() && !readersMayStillAdd()) {
            return fail("%s printed no line matching '%s' %s%s", description, regex,
                process.isAlive() ? "within " + timeout.toMillis() + " ms" : "before exiting",
                transcript());
          }
          waitQuietly(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 50));
        }
      }
    }

    /** Waits for the process to exit with status 0 and returns everything it printed to stdout. */
    public List<String> awaitSuccess(final Duration timeout) {
      final int status = awaitExit(timeout);
      if (status != 0) {
        fail("%s exited with status %d%s", description, status, transcript());
      }
      return stdout();
    }

    /** Waits for the process to exit and returns its status; fails on timeout. */
    public int awaitExit(final Duration timeout) {
      try {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          fail("%s still running after %d ms%s", description, timeout.toMillis(), transcript());
        }
        // The readers finish once the pipes close, which follows the exit closely.
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        synchronized (this) {
          while (readersMayStillAdd() && System.nanoTime() < deadline) {
            waitQuietly(20);
          }
        }
        return process.exitValue();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Lines printed to stdout so far. */
    public synchronized List<String> stdout() {
      return List.copyOf(stdout);
    }

    /** Lines printed to stderr so far. */
    public synchronized List<String> stderr() {
      return List.copyOf(stderr);
    }

    /** Asks the process to stop (SIGTERM), as an operator would. */
    public void terminate() {
      process.destroy();
    }

    public long pid() {
      return process.pid();
    }

    /** Kills the process and its children if still running. */
    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }

    /** The command and its output, for failure messages. */
    public synchronized String transcript() {
      return "\n--- " + description + " stdout:\n" + String.join("\n", stdout)
          + "\n--- stderr:\n" + String.join("\n", stderr);
    }

    // Readers end at end-of-stream; until then an exited process may have lines in flight.
    private boolean readersMayStillAdd() {
      return stdoutReader.isAlive() || stderrReader.isAlive();
    }

    private void waitQuietly(final long millis) {
      try {
        wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** The environment every program needs: the broker URL and a per-run name suffix. */
  public static Map<String, String> environment(final String amqpUrl, final String nameSuffix) {
    final Map<String, String> env = new HashMap<>();
    env.put("AMQP_URL", amqpUrl);
    env.put("NAME_SUFFIX", nameSuffix);
    return env;
  }
}
