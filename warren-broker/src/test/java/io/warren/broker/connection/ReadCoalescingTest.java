package io.warren.broker.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.SelectStrategy;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReadCoalescingTest {

  /** Runs the calls on a Netty-style thread, as an event loop would. */
  private static <T> T onLoopThread(Callable<T> body) throws Exception {
    AtomicReference<T> result = new AtomicReference<>();
    AtomicReference<Exception> failure = new AtomicReference<>();
    Thread t = new FastThreadLocalThread(() -> {
      try {
        result.set(body.call());
      } catch (Exception e) {
        failure.set(e);
      }
    });
    t.start();
    t.join();
    if (failure.get() != null) {
      throw failure.get();
    }
    return result.get();
  }

  @Test
  void anIdleLoopBlocksInItsPollAtOnceAndAQuietRoundDoesNotRest() throws Exception {
    List<Integer> strategies = onLoopThread(() -> {
      ReadCoalescing loop = new ReadCoalescing();
      List<Integer> s = new ArrayList<>();
      s.add(loop.calculateStrategy(() -> 7, false));
      ReadCoalescing.onFramesRead(ReadCoalescing.BUSY_FRAMES - 1);
      s.add(loop.calculateStrategy(() -> 7, false));
      s.add(loop.calculateStrategy(() -> 7, true));
      return s;
    });
    assertThat(strategies).containsExactly(SelectStrategy.SELECT, SelectStrategy.SELECT, 7);
  }

  @Test
  void aBusyRoundRestsBeforePollingWithoutBlocking() throws Exception {
    long[] elapsedAndStrategy = onLoopThread(() -> {
      ReadCoalescing loop = new ReadCoalescing();
      loop.calculateStrategy(() -> 0, false); // binds the strategy to this thread
      ReadCoalescing.onFramesRead(ReadCoalescing.BUSY_FRAMES);
      long start = System.nanoTime();
      int strategy = loop.calculateStrategy(() -> 3, false);
      long elapsed = System.nanoTime() - start;
      int next = loop.calculateStrategy(() -> 3, false); // nothing read since: not busy any more
      return new long[] {elapsed, strategy, next};
    });
    assertThat(elapsedAndStrategy[0]).isGreaterThanOrEqualTo(ReadCoalescing.PAUSE_NANOS);
    assertThat(elapsedAndStrategy[1]).isEqualTo(3);
    assertThat(elapsedAndStrategy[2]).isEqualTo(SelectStrategy.SELECT);
  }

  @Test
  void framesCountedOffTheLoopThreadAreIgnored() throws Exception {
    ReadCoalescing.onFramesRead(1_000_000); // this thread runs no loop
    int strategy = onLoopThread(() -> new ReadCoalescing().calculateStrategy(() -> 1, false));
    assertThat(strategy).isEqualTo(SelectStrategy.SELECT);
  }
}
