package io.warren.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.warren.it.support.ProcessRunner;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The commands the README shows work on a fresh copy of the repository: nothing built, nothing
 * of Warren's in the local Maven repository. The copy holds exactly the files git would check
 * out (plus uncommitted ones), so a build step that only works after an earlier build fails here.
 */
class ReadmeCommandsTest {

  private static final Duration BUILD = Duration.ofMinutes(6);
  private static Path copy;

  @BeforeAll
  static void copyRepository() throws IOException {
    Path root = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent(); // warren-it's parent
    ProcessRunner.Result files = ProcessRunner.run(root, Map.of(), Duration.ofSeconds(30),
        List.of("git", "ls-files", "-co", "--exclude-standard"));
    assumeTrue(files.exitCode() == 0, "not a git checkout: " + files.output());
    copy = Files.createTempDirectory("warren-fresh-clone-");
    for (String file : files.lines()) {
      Path from = root.resolve(file);
      if (!Files.isRegularFile(from)) {
        continue; // deleted but not yet committed
      }
      Path to = copy.resolve(file);
      Files.createDirectories(to.getParent());
      Files.copy(from, to);
      if (Files.isExecutable(from)) {
        to.toFile().setExecutable(true);
      }
    }
  }

  @AfterAll
  static void deleteCopy() throws IOException {
    if (copy != null) {
      try (var paths = Files.walk(copy)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void warrenAndWarrenctlBuildThemselvesAndWorkFromAFreshCopy() throws Exception {
    ProcessRunner.Result help = ProcessRunner.run(copy, Map.of(), BUILD, List.of("bin/warrenctl", "help"));
    assertThat(help.exitCode()).as(help.output()).isZero();
    assertThat(help.output()).contains("list_queues");

    int amqpPort = freePort();
    int managementPort = freePort();
    Path log = copy.resolve("warren.log");
    Process warren = new ProcessBuilder("bin/warren", "--bind", "127.0.0.1", "--port", String.valueOf(amqpPort),
        "--management-port", String.valueOf(managementPort), "--prometheus-port", "-1",
        "--data-dir", copy.resolve("data").toString())
        .directory(copy.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long deadline = System.nanoTime() + BUILD.toNanos();
      while (!accepts(managementPort)) {
        assertThat(warren.isAlive()).as("bin/warren exited:\n" + Files.readString(log, StandardCharsets.UTF_8)).isTrue();
        assertThat(System.nanoTime()).as("bin/warren did not start in time").isLessThan(deadline);
        Thread.sleep(200);
      }
      ProcessRunner.Result queues = ProcessRunner.run(copy, Map.of(), Duration.ofMinutes(1),
          List.of("bin/warrenctl", "--port", String.valueOf(managementPort), "list_queues"));
      assertThat(queues.exitCode()).as(queues.output()).isZero();
      assertThat(queues.output()).contains("Listing queues for vhost / ...");
    } finally {
      warren.destroy(); // SIGTERM: a clean stop
      if (!warren.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        warren.destroyForcibly();
      }
    }
    assertThat(warren.exitValue()).as("exit code after SIGTERM").isZero();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
