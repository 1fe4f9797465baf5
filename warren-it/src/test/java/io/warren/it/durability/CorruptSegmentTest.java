package io.warren.it.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.warren.it.support.WarrenProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged files on disk: the broker still starts, keeps every message it can still read, and
 * says in its log which file was damaged.
 *
 * <p>The damage is done between two runs of the real server, on the files of the data layout
 * ({@code <data>/queues/<queue-id>/<number>.seg}). The queue's folder is found by the bytes of a
 * message body, not by knowing how the broker names it.
 */
@Tag("durability")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CorruptSegmentTest {

  private static final int MESSAGES = 21;
  private static final String PADDING = "x".repeat(400);

  @TempDir
  Path dir;

  @Test
  void shouldStartWithTheOtherMessagesAndNameTheFileWhenARecordInTheMiddleIsDamaged() throws Exception {
    Path data = dir.resolve("data");
    Path output = dir.resolve("warren.out");
    writeMessagesAndStop(data, output);
    Path segment = newestSegmentHolding(data, marker(10));
    byte[] bytes = Files.readAllBytes(segment);
    int at = indexOf(bytes, marker(10)) + marker(10).length + PADDING.length() / 2;
    bytes[at] ^= (byte) 0xff; // one flipped byte inside message 10's body
    Files.write(segment, bytes);

    try (WarrenProcess broker = WarrenProcess.start(data, output);
        Connection c = broker.connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      assertThat(bodies(ch, "fragile")).containsExactlyElementsOf(
          IntStream.range(0, MESSAGES).filter(i -> i != 10).mapToObj(CorruptSegmentTest::body).toList());
      assertThat(bodies(ch, "bystander")).containsExactly("bystander-0", "bystander-1", "bystander-2");
      assertLogNames(broker.output(), segment);
    }
  }

  @Test
  void shouldStartWithTheEarlierMessagesWhenTheLastRecordIsTorn() throws Exception {
    Path data = dir.resolve("data");
    Path output = dir.resolve("warren.out");
    writeMessagesAndStop(data, output);
    Path segment = newestSegmentHolding(data, marker(MESSAGES - 1));
    byte[] bytes = Files.readAllBytes(segment);
    int cut = indexOf(bytes, marker(MESSAGES - 1)) + marker(MESSAGES - 1).length + 10;
    Files.write(segment, Arrays.copyOf(bytes, cut)); // as if the process died while writing it

    try (WarrenProcess broker = WarrenProcess.start(data, output);
        Connection c = broker.connectionFactory().newConnection()) {
      Channel ch = c.createChannel();
      assertThat(bodies(ch, "fragile")).containsExactlyElementsOf(
          IntStream.range(0, MESSAGES - 1).mapToObj(CorruptSegmentTest::body).toList());
      // and the queue takes new messages after the cut
      ch.confirmSelect();
      ch.basicPublish("", "fragile", MessageProperties.PERSISTENT_BASIC, utf8("after-the-cut"));
      ch.waitForConfirmsOrDie(5_000);
      assertThat(bodies(ch, "fragile")).containsExactly("after-the-cut");
    }
  }

  private static void writeMessagesAndStop(Path data, Path output) throws Exception {
    try (WarrenProcess broker = WarrenProcess.start(data, output)) {
      try (Connection c = broker.connectionFactory().newConnection()) {
        Channel ch = c.createChannel();
        ch.confirmSelect();
        ch.queueDeclare("fragile", true, false, false, null);
        ch.queueDeclare("bystander", true, false, false, null);
        for (int i = 0; i < MESSAGES; i++) {
          ch.basicPublish("", "fragile", MessageProperties.PERSISTENT_BASIC, utf8(body(i)));
        }
        for (int i = 0; i < 3; i++) {
          ch.basicPublish("", "bystander", MessageProperties.PERSISTENT_BASIC, utf8("bystander-" + i));
        }
        ch.waitForConfirmsOrDie(5_000);
      }
      if (broker.terminate(Duration.ofSeconds(15)) == null) {
        fail("the broker did not stop within 15 s of SIGTERM");
      }
    }
  }

  /** The newest {@code .seg} file (by its number) of the queue folder whose segments hold {@code marker}. */
  private static Path newestSegmentHolding(Path data, byte[] marker) throws IOException {
    Path queues = data.resolve("queues");
    List<Path> segments;
    try (Stream<Path> files = Files.walk(queues)) {
      segments = files.filter(p -> p.getFileName().toString().endsWith(".seg")).toList();
    }
    for (Path segment : segments) {
      if (indexOf(Files.readAllBytes(segment), marker) >= 0) {
        try (Stream<Path> siblings = Files.list(segment.getParent())) {
          Path newest = siblings.filter(p -> p.getFileName().toString().endsWith(".seg"))
              .max(Comparator.comparing(p -> p.getFileName().toString())).orElseThrow();
          assertThat(newest).as("the message is in the queue's newest segment").isEqualTo(segment);
          return newest;
        }
      }
    }
    return fail("no segment under " + queues + " holds '" + new String(marker, StandardCharsets.UTF_8)
        + "'; files: " + segments);
  }

  /** A line of the log names the file: its folder (the queue) and its name. */
  private static void assertLogNames(String log, Path segment) {
    String queueFolder = segment.getParent().getFileName().toString();
    String file = segment.getFileName().toString();
    List<String> naming = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.contains(file) && line.contains(queueFolder)) {
        naming.add(line);
      }
    }
    assertThat(naming).as("log lines naming %s/%s in:%n%s", queueFolder, file, log).isNotEmpty();
  }

  private static List<String> bodies(Channel ch, String queue) throws IOException {
    List<String> out = new ArrayList<>();
    for (GetResponse r = ch.basicGet(queue, true); r != null; r = ch.basicGet(queue, true)) {
      out.add(new String(r.getBody(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String body(int i) {
    return String.format("message-%02d|", i) + PADDING;
  }

  private static byte[] marker(int i) {
    return utf8(String.format("message-%02d|", i));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
