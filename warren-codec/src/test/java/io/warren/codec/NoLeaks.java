package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty's leak detector (paranoid in this module's surefire setup)
 * reports a ByteBuf that was garbage-collected without being released. Netty logs leaks
 * through java.util.logging here (the client's SLF4J has no provider), so a handler on that
 * logger sees them; a GC and a few allocations at the end make it report. Netty 4.2 tracks
 * pooled buffers (not unpooled heap ones), so tests that want the check feed pooled buffers.
 */
public final class NoLeaks implements BeforeAllCallback, AfterAllCallback {

    private static final Logger DETECTOR = Logger.getLogger("io.netty.util.ResourceLeakDetector");
    private final List<String> leaks = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            if (record.getMessage() != null && record.getMessage().contains("LEAK")) {
                leaks.add(record.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Override
    public void beforeAll(ExtensionContext context) {
        DETECTOR.addHandler(handler);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        try {
            for (int round = 0; round < 5 && leaks.isEmpty(); round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 100; i++) {
                    ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(8);
                    ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(8);
                    a.release();
                    b.release();
                }
            }
            assertThat(leaks).as("ByteBuf leaks reported by Netty").isEmpty();
        } finally {
            DETECTOR.removeHandler(handler);
        }
    }
}
