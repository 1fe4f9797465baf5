package io.warren.codec;
import io.netty.buffer.*;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
@ExtendWith(NoLeaks.class)
class ScratchLeakTest {
    @Test
    void leak() {
        System.out.println("handlers: " + java.util.Arrays.toString(java.util.logging.Logger.getLogger("io.netty.util.ResourceLeakDetector").getHandlers()));
        System.out.println("factory: " + io.netty.util.internal.logging.InternalLoggerFactory.getDefaultFactory());
        for (int i = 0; i < 10; i++) { Unpooled.buffer(100).writeByte(1).retainedSlice(); }
    }
}
