package io.warren.it.support;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Samples the memory an embedded broker holds while a test runs: Netty's direct memory (the
 * broker's network buffers; the Java client in the same JVM uses plain sockets, not Netty) and
 * the heap that survived the young generation. Keeps the peaks.
 */
public final class MemoryProbe implements AutoCloseable {

  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakDirect;
  private volatile long peakOldHeap;

  private MemoryProbe() {
    thread = new Thread(this::run, "memory-probe");
    thread.setDaemon(true);
    thread.start();
  }

  public static MemoryProbe start() {
    return new MemoryProbe();
  }

  private void run() {
    while (running) {
      peakDirect = Math.max(peakDirect, directBytes());
      peakOldHeap = Math.max(peakOldHeap, oldHeapBytes());
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Direct memory Netty's default allocator holds now. */
  public static long directBytes() {
    if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider p) {
      return p.metric().usedDirectMemory();
    }
    throw new IllegalStateException("allocator without metrics: " + ByteBufAllocator.DEFAULT);
  }

  /** Heap in the pools that hold long-lived objects (old/tenured generation). */
  private static long oldHeapBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      String name = pool.getName();
      if (pool.getType() == MemoryType.HEAP && (name.contains("Old") || name.contains("Tenured"))) {
        sum += pool.getUsage().getUsed();
      }
    }
    return sum;
  }

  public long peakDirectBytes() {
    return peakDirect;
  }

  public long peakOldHeapBytes() {
    return peakOldHeap;
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(1_000);
  }
}
