package io.warren.junit.bench;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import io.warren.broker.BrokerConfig;
import io.warren.broker.EmbeddedBroker;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * How long a test waits for its broker: run by bench/junit-start-time (one JVM per cold sample),
 * not by the suite. Prints one line: the cold start (first broker in this JVM, class loading
 * included), the JVM's own start-up before main, and the median and worst of the warm starts
 * that follow (a broker per test class in a long test run), all in ms.
 */
public final class StartTimeBench {

  public static void main(String[] args) throws Exception {
    long mainEntered = System.currentTimeMillis();
    long jvmStartup = mainEntered - ManagementFactory.getRuntimeMXBean().getStartTime();
    boolean inMemory = args.length == 0 || !args[0].equals("folder");
    int warmRounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;

    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long cpu0 = threads.getCurrentThreadCpuTime();
    long t0 = System.nanoTime();
    EmbeddedBroker first = start(inMemory);
    long cold = System.nanoTime() - t0;
    long coldCpu = threads.getCurrentThreadCpuTime() - cpu0;
    long firstMessage = roundTrip(first) + cold;
    first.close();

    long[] warm = new long[warmRounds];
    for (int i = 0; i < warmRounds; i++) {
      long t = System.nanoTime();
      EmbeddedBroker broker = start(inMemory);
      warm[i] = System.nanoTime() - t;
      roundTrip(broker);
      broker.close();
    }
    Arrays.sort(warm);
    System.out.printf("cold_start_ms=%.1f cold_start_cpu_ms=%.1f cold_to_first_message_ms=%.1f jvm_startup_ms=%d warm_median_ms=%.1f "
        + "warm_max_ms=%.1f%n", cold / 1e6, coldCpu / 1e6, firstMessage / 1e6, jvmStartup,
        warmRounds > 0 ? warm[warmRounds / 2] / 1e6 : 0.0, warmRounds > 0 ? warm[warmRounds - 1] / 1e6 : 0.0);
  }

  private static EmbeddedBroker start(boolean inMemory) throws Exception {
    BrokerConfig config = BrokerConfig.defaults().withBindAddress("127.0.0.1").withPort(0);
    return EmbeddedBroker.start(inMemory ? config.withoutDataDir()
        : config.withDataDir(java.nio.file.Files.createTempDirectory("warren-bench")));
  }

  /** Connects, declares a queue, publishes and gets one message: the broker is really serving. */
  private static long roundTrip(EmbeddedBroker broker) throws Exception {
    long t = System.nanoTime();
    ConnectionFactory cf = new ConnectionFactory();
    cf.setPort(broker.port());
    try (Connection c = cf.newConnection(); Channel ch = c.createChannel()) {
      String q = ch.queueDeclare().getQueue();
      ch.basicPublish("", q, null, new byte[] {1});
      if (ch.basicGet(q, true) == null) {
        throw new IllegalStateException("message lost");
      }
    }
    return System.nanoTime() - t;
  }
}
