package io.warren.server;

import io.warren.broker.Broker;
import io.warren.broker.BrokerConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code warren} command: reads flags and an optional rabbitmq.conf-style file, locks the
 * data folder, starts the broker and stops it cleanly on SIGTERM/SIGINT.
 */
@Command(name = "warren", mixinStandardHelpOptions = true, version = "Warren 0.1.0",
    description = "Starts Warren, an AMQP 0-9-1 broker with RabbitMQ's behaviour.")
public final class WarrenServer implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(WarrenServer.class);

  @Option(names = "--port", paramLabel = "N", description = "AMQP port (default: 5672, or the config file's)")
  Integer port;

  @Option(names = "--bind", paramLabel = "ADDR", description = "address to listen on (default: all interfaces)")
  String bind;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data folder (default: ./data)")
  Path dataDir;

  @Option(names = "--config", paramLabel = "FILE",
      description = "a rabbitmq.conf-style file (listeners.tcp.default, default_user, default_pass, ...)")
  Path configFile;

  public static void main(String[] args) {
    System.exit(new CommandLine(new WarrenServer()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    BrokerConfig config = BrokerConfig.defaults();
    if (configFile != null) {
      config = ConfigFile.read(configFile).applyTo(config);
    }
    if (port != null) {
      config = config.withPort(port);
    }
    if (bind != null) {
      config = config.withBindAddress(bind);
    }
    if (dataDir != null) {
      config = config.withDataDir(dataDir);
    }

    try {
      // The store locks the data folder: a second broker on it fails here with a clear message.
      Broker broker = new Broker(config);
      broker.start();
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        LOG.info("stopping Warren");
        broker.stop();
        stopped.countDown();
      }, "warren-shutdown"));
      stopped.await();
      return 0;
    } catch (RuntimeException e) {
      System.err.println("warren: " + e.getMessage());
      return 1;
    }
  }
}
