package io.warren.ctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/** Runs warrenctl in-process against a {@link ManagementApi} and captures what it prints. */
final class Ctl {

  /** Exit code, stdout and stderr of one run. */
  record Result(int code, String out, String err) {

    List<String> lines() {
      return out.lines().toList();
    }

    @Override
    public String toString() {
      return "exit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final ManagementApi api;

  Ctl(ManagementApi api) {
    this.api = api;
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  Result runWithInput(String stdin, String... args) {
    return runWithEnv(Map.of(WarrenCtl.URL_ENV, api.url()), stdin, args);
  }

  static Result runWithEnv(Map<String, String> env, String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
         PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      code = WarrenCtl.run(args, env,
          new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), o, e);
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8));
  }

  /**
   * Runs the command until its result satisfies {@code expected} (the management API may lag
   * behind AMQP, see {@link ManagementApi#statsLag()}) and returns the last result either way.
   */
  Result until(Predicate<Result> expected, String... args) {
    long deadline = System.nanoTime() + api.statsLag().plus(Duration.ofSeconds(5)).toNanos();
    while (true) {
      Result r = run(args);
      if (expected.test(r) || System.nanoTime() > deadline) {
        return r;
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r;
      }
    }
  }

  /** {@link #until} the output has exactly this line. */
  Result untilLine(String line, String... args) {
    return until(r -> r.lines().contains(line), args);
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
