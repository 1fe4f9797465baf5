package io.warren.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.ManagementTestSupport;
import io.warren.it.support.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The management web UI, served by Warren's management server, in headless Chromium:
 * {@code src/test/ui/ui-test.mjs} (Playwright) logs in, publishes a message through the queue
 * page and watches the queue's count change; the message is then read back over AMQP.
 *
 * <p>Needs Debian's chromium and the npm packages of {@code src/test/ui} ({@code .ci/run}
 * installs both); fails, rather than skips, without them.
 */
class WebUiTest extends ManagementTestSupport {

  private static final Path UI_DIR = Path.of(System.getProperty("warren.ui.dir", "src/test/ui"));
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  @Test
  void aMessagePublishedThroughTheUiIsCountedAndDelivered() throws Exception {
    requireBrowserAndPlaywright();
    Channel ch = openChannel();
    String queue = uniqueName("web-ui");
    ch.queueDeclare(queue, false, false, false, null);

    ProcessRunner.Result run = ProcessRunner.run(UI_DIR,
        Map.of("UI_URL", managementUrl(), "QUEUE", queue, "CHROMIUM", CHROMIUM.toString()),
        Duration.ofSeconds(120), List.of("node", "ui-test.mjs"));

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.lines()).as(run.output()).contains(
        "ok - a wrong password is refused",
        "ok - a message published through the queue page is counted",
        "ok - \"Get messages\" shows the payload and requeues it");
    assertThat(ch.messageCount(queue)).isEqualTo(1);
    GetResponse got = ch.basicGet(queue, true);
    assertThat(new String(got.getBody(), StandardCharsets.UTF_8))
        .isEqualTo("hello from the web UI");
    ch.queueDelete(queue);
  }

  private static void requireBrowserAndPlaywright() {
    if (!Files.isExecutable(CHROMIUM)) {
      fail(CHROMIUM + " is missing; install it with: apt-get install -y chromium chromium-driver");
    }
    if (!Files.isDirectory(UI_DIR.resolve("node_modules/playwright-core"))) {
      fail("playwright-core is missing; run: (cd " + UI_DIR.toAbsolutePath() + " && npm ci)");
    }
  }
}
