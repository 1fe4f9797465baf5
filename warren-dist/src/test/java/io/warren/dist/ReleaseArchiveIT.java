package io.warren.dist;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The release archive as an operator gets it: unpacked into an empty folder, run with nothing
 * but a Java runtime and a few shell tools on PATH (no Maven, no source tree).
 */
class ReleaseArchiveIT {

  private static final String VERSION = System.getProperty("warren.version");
  private static final Pattern EXAMPLE = Pattern.compile("^# ([a-z_]+(?:\\.[a-z_0-9]+)*) = (.*)$");

  private static Path workDir;
  private static Path home;
  private static Path toolsOnly;

  @BeforeAll
  static void unpack() throws Exception {
    workDir = Files.createTempDirectory("warren-release-");
    Path archive = Path.of(System.getProperty("warren.archive"));
    assertThat(archive).exists();
    run(new ProcessBuilder("tar", "xzf", archive.toString(), "-C", workDir.toString()), 60);
    home = workDir.resolve("warren-" + VERSION);
    // A PATH with the shell tools the scripts use and nothing else: no mvn, no java.
    toolsOnly = Files.createDirectories(workDir.resolve("path"));
    for (String tool : List.of("env", "bash", "dirname", "awk", "grep")) {
      for (String dir : List.of("/usr/bin", "/bin")) {
        Path real = Path.of(dir, tool);
        if (Files.isExecutable(real)) {
          Files.createSymbolicLink(toolsOnly.resolve(tool), real.toRealPath());
          break;
        }
      }
    }
  }

  @AfterAll
  static void delete() throws IOException {
    if (workDir != null) {
      try (Stream<Path> paths = Files.walk(workDir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void theLayoutHoldsScriptsJarsConfigAndAUnitButNoSources() throws IOException {
    assertThat(home.resolve("bin/warren")).isExecutable();
    assertThat(home.resolve("bin/warrenctl")).isExecutable();
    assertThat(home.resolve("lib/warren-server.jar")).isRegularFile();
    assertThat(home.resolve("lib/warren-ctl.jar")).isRegularFile();
    assertThat(home.resolve("etc/warren.conf")).isRegularFile();
    assertThat(Files.readString(home.resolve("etc/systemd/warren.service")))
        .contains("ExecStart=/opt/warren/bin/warren", "[Install]");
    assertThat(Files.readString(home.resolve("README.md"))).startsWith("# Warren " + VERSION);
    try (Stream<Path> files = Files.walk(home)) {
      assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".java") || p.endsWith("pom.xml"));
    }
  }

  @Test
  void startsOnFreePortsServesClientsLogsToItsFileAndReportsOneVersion() throws Exception {
    assertThat(runScript(List.of("bin/warren", "--version"))).isEqualTo("Warren " + VERSION);

    int amqpPort = freePort();
    int httpPort = freePort();
    Process warren = start(List.of("bin/warren", "--bind", "127.0.0.1", "--port", String.valueOf(amqpPort),
        "--management-port", String.valueOf(httpPort), "--prometheus-port", "-1"));
    try {
      awaitStarted(warren, home.resolve("log/warren.log"));
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(amqpPort);
      try (Connection connection = cf.newConnection(); Channel channel = connection.createChannel()) {
        assertThat(connection.getServerProperties().get("warren").toString()).isEqualTo(VERSION);
        channel.queueDeclare("release-check", true, false, false, null);
        channel.basicPublish("", "release-check", null, "ok".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(channel.basicGet("release-check", true).getBody(), StandardCharsets.UTF_8))
            .isEqualTo("ok");
      }
      String overview = get("http://127.0.0.1:" + httpPort + "/api/overview");
      assertThat(overview).contains("\"product_version\":\"" + VERSION + "\"");

      String queues = runScript(List.of("bin/warrenctl", "--port", String.valueOf(httpPort), "-q", "list_queues",
          "name"));
      assertThat(queues).contains("release-check");
      assertThat(home.resolve("data/meta/metadata.log")).isRegularFile();
    } finally {
      stop(warren);
    }
    assertThat(Files.readString(home.resolve("log/warren.log"))).contains("Warren started on 127.0.0.1:" + amqpPort,
        "Warren stopped");
  }

  @Test
  void theExampleConfigShowsEveryKeyTheServerKnowsAndAllOfThemAreAccepted() throws Exception {
    Map<String, String> examples = new LinkedHashMap<>();
    for (String line : Files.readAllLines(home.resolve("etc/warren.conf"))) {
      Matcher m = EXAMPLE.matcher(line);
      if (m.matches()) {
        examples.put(m.group(1), m.group(2));
      }
    }
    assertThat(examples.keySet()).as("keys with a commented example in etc/warren.conf")
        .containsExactlyInAnyOrderElementsOf(serverKeys());

    // Every example uncommented, with ports and folders of this test's own.
    int amqpPort = freePort();
    int httpPort = freePort();
    Path logDir = workDir.resolve("all-keys-log");
    examples.put("listeners.tcp.default", "127.0.0.1:" + amqpPort);
    examples.put("listeners.tcp.1", "127.0.0.1:" + amqpPort);
    examples.put("management.tcp.port", String.valueOf(httpPort));
    examples.put("prometheus.tcp.port", "-1");
    examples.put("data_dir", workDir.resolve("all-keys-data").toString());
    examples.put("log.dir", logDir.toString());
    examples.put("log.console.level", "none");
    StringBuilder conf = new StringBuilder();
    examples.forEach((k, v) -> conf.append(k).append(" = ").append(v).append('\n'));
    Path file = workDir.resolve("all-keys.conf");
    Files.writeString(file, conf);

    Process warren = start(List.of("bin/warren", "--config", file.toString()));
    try {
      awaitStarted(warren, logDir.resolve("warren.log"));
      ConnectionFactory cf = new ConnectionFactory();
      cf.setPort(amqpPort);
      try (Connection connection = cf.newConnection()) {
        assertThat(connection.getHeartbeat()).isEqualTo(60);
      }
      assertThat(get("http://127.0.0.1:" + httpPort + "/api/overview")).contains("\"product_name\":\"Warren\"");
    } finally {
      stop(warren);
    }
    assertThat(workDir.resolve("all-keys-data/meta")).isDirectory();
  }

  /** The keys warren-server's ConfigFile accepts, read from its source (the quoted case labels). */
  private static Set<String> serverKeys() throws IOException {
    String source = Files.readString(Path.of(System.getProperty("warren.config.source")));
    String cases = source.substring(source.indexOf("BrokerConfig applyTo("));
    cases = cases.substring(0, cases.indexOf("default ->"));
    Set<String> keys = new TreeSet<>();
    Matcher label = Pattern.compile("case\\s+([^>]*?)->").matcher(cases);
    while (label.find()) {
      Matcher quoted = Pattern.compile("\"([^\"]+)\"").matcher(label.group(1));
      while (quoted.find()) {
        keys.add(quoted.group(1));
      }
    }
    assertThat(keys).contains("default_user", "log.file");
    return keys;
  }

  private static Process start(List<String> command) throws IOException {
    ProcessBuilder pb = script(command);
    pb.redirectErrorStream(true).redirectOutput(workDir.resolve("console-" + System.nanoTime() + ".txt").toFile());
    return pb.start();
  }

  private static void awaitStarted(Process warren, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.exists(log) && Files.readString(log).contains("management API on"))) {
      assertThat(warren.isAlive()).as("bin/warren exited with %s", warren.isAlive() ? "" : warren.exitValue()).isTrue();
      assertThat(System.nanoTime()).as("bin/warren did not start within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void stop(Process warren) throws InterruptedException {
    warren.destroy(); // SIGTERM: bin/warren exec'd the JVM, whose shutdown hook stops the broker
    assertThat(warren.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(warren.exitValue()).isZero();
  }

  private static String runScript(List<String> command) throws Exception {
    return run(script(command), 60).strip();
  }

  private static ProcessBuilder script(List<String> command) {
    List<String> full = new ArrayList<>(command);
    full.set(0, home.resolve(command.get(0)).toString());
    ProcessBuilder pb = new ProcessBuilder(full).directory(workDir.toFile());
    pb.environment().clear();
    pb.environment().put("PATH", toolsOnly.toString());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("HOME", workDir.toString());
    return pb;
  }

  private static String run(ProcessBuilder pb, int timeoutSeconds) throws Exception {
    Process p = pb.redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(timeoutSeconds, TimeUnit.SECONDS)).isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  private static String get(String url) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Authorization",
        "Basic " + Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8))).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
