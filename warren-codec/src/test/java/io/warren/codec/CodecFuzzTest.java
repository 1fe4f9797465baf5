package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.warren.codec.method.Method;
import io.warren.codec.method.MethodDecoder;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing (Jazzer) of everything that reads a peer's bytes: the frame decoder
 * with the method decoder behind it, field tables, and content headers with their properties.
 *
 * <p>In a normal build each test replays its committed corpus (src/test/resources/io/warren/
 * codec/CodecFuzzTestInputs/&lt;test&gt;/: seeds and every input that once found a bug), which takes
 * seconds; {@code bin/fuzz} fuzzes one of them for longer (README, "Fuzzing").
 *
 * <p>What counts as a bug, for every input:
 * <ul>
 * <li>any exception other than {@link FrameException}, the codec's declared answer to malformed
 *     input (it carries RabbitMQ's reply): an IndexOutOfBounds or NegativeArraySize escaping
 *     means a check is missing;
 * <li>heap allocation out of proportion to the input: nothing may be sized from a length field
 *     before those bytes have arrived ({@link #ALLOCATION_PER_INPUT_BYTE});
 * <li>a hang (JUnit's timeout here, libFuzzer's while fuzzing);
 * <li>a decoded value the codec cannot write back, or that does not read back the same: the
 *     broker re-encodes what clients sent (deliveries, returns, dead-lettering), so a value
 *     that decodes but cannot be encoded fails on another connection, later;
 * <li>the allocation-free validators ({@link ContentHeader#checkProperties},
 *     {@link FieldTables#checkEntries}) disagreeing with the decoders they stand in for;
 * <li>a body frame's buffer not released, or an error text that does not fit connection.close.
 * </ul>
 */
class CodecFuzzTest {

    /** Fixed allowance per input (small objects, exception texts) plus a factor per input byte. */
    private static final long ALLOCATION_ALLOWANCE = 1 << 20;
    /** A decoded byte becomes at most a few objects (a map entry, a boxed value, a char). */
    private static final long ALLOCATION_PER_INPUT_BYTE = 256;
    private static final int[] FRAME_MAXES = {ProtocolConstants.FRAME_MIN_SIZE, 131_072, 0};

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void frameDecoder(byte[] input) {
        withinAllocationBound(input.length, () -> frames(input));
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fieldTable(byte[] input) {
        withinAllocationBound(input.length, () -> fieldTables(input));
    }

    @FuzzTest(maxDuration = "5m")
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void contentHeader(byte[] input) {
        withinAllocationBound(input.length, () -> contentHeaders(input));
    }

    // ------------------------------------------------------------------------------------------
    // frames

    /**
     * Byte 0 picks frame-max, bytes 1-2 where the rest is cut in two (exercising the decoder's
     * cumulation); the rest follows a valid protocol header, so the fuzzer starts at the frames.
     */
    private static void frames(byte[] input) {
        if (input.length < 3) {
            return;
        }
        int frameMax = FRAME_MAXES[(input[0] & 0xFF) % FRAME_MAXES.length];
        byte[] stream = new byte[8 + input.length - 3];
        System.arraycopy(Frames.PROTOCOL_HEADER, 0, stream, 0, 8);
        System.arraycopy(input, 3, stream, 8, input.length - 3);
        int cut = Math.min(stream.length, ((input[1] & 0xFF) << 8 | input[2] & 0xFF));

        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAllocator(new UnpooledByteBufAllocator(false));
        channel.pipeline().addLast(new FrameDecoder(frameMax));
        List<ByteBuf> fed = new ArrayList<>();
        try {
            for (byte[] chunk : List.of(slice(stream, 0, cut), slice(stream, cut, stream.length))) {
                if (chunk.length == 0) {
                    continue; // Unpooled.wrappedBuffer gives the shared EMPTY_BUFFER, which is never released
                }
                ByteBuf buf = Unpooled.wrappedBuffer(chunk);
                fed.add(buf);
                channel.writeInbound(buf);
                for (Object frame; (frame = channel.readInbound()) != null; ) {
                    check(frame);
                }
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        for (ByteBuf buf : fed) {
            assertThat(buf.refCnt()).as("input buffer released").isZero();
        }
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        byte[] s = new byte[to - from];
        System.arraycopy(bytes, from, s, 0, s.length);
        return s;
    }

    private static void check(Object frame) {
        switch (frame) {
            case ProtocolHeaderFrame header -> assertThat(header).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
            case FrameErrorEvent error -> {
                assertThat(error.error().replyText().getBytes(StandardCharsets.UTF_8).length)
                        .as("reply text fits a shortstr: %s", error.error().replyText()).isLessThanOrEqualTo(255);
            }
            case MethodFrame m -> roundTrip(m.method(), m.channel());
            case ContentHeaderFrame h -> checkHeader(h.header());
            case ContentBodyFrame body -> {
                assertThat(body.refCnt()).isPositive();
                body.release();
            }
            case HeartbeatFrame heartbeat -> {
            }
            default -> throw new AssertionError("unexpected frame object " + frame);
        }
    }

    /** A decoded method writes back, and what it writes decodes to a method that writes the same bytes. */
    private static void roundTrip(Method method, int channel) {
        byte[] once = encode(method);
        Method again = MethodDecoder.decode(Unpooled.wrappedBuffer(once), channel);
        assertThat(encode(again)).as("%s re-encoded", method.protocolName()).isEqualTo(once);
    }

    private static byte[] encode(Method method) {
        ByteBuf out = Unpooled.buffer();
        out.writeShort(method.classId()).writeShort(method.methodId());
        method.writeArguments(out);
        return ByteBufUtil.getBytes(out);
    }

    // ------------------------------------------------------------------------------------------
    // field tables

    private static void fieldTables(byte[] input) {
        ByteBuf in = Unpooled.wrappedBuffer(input);
        Map<String, Object> table;
        try {
            table = FieldTables.read(in);
        } catch (FrameException e) {
            if (e.kind() == FrameException.Kind.MALFORMED_TABLE && input.length >= 4) {
                long length = Unpooled.wrappedBuffer(input).getUnsignedInt(0);
                if (length <= input.length - 4L) {
                    assertRejectedByCheck(input, length, e);
                }
            }
            return;
        }
        FieldTables.checkEntries(Unpooled.wrappedBuffer(input), 4, in.readerIndex() - 4, 0);
        ByteBuf out = Unpooled.buffer();
        FieldTables.write(out, table);
        byte[] once = ByteBufUtil.getBytes(out);
        ByteBuf again = Unpooled.buffer();
        FieldTables.write(again, FieldTables.read(Unpooled.wrappedBuffer(once)));
        assertThat(ByteBufUtil.getBytes(again)).as("table re-encoded").isEqualTo(once);
    }

    private static void assertRejectedByCheck(byte[] input, long length, FrameException readError) {
        try {
            FieldTables.checkEntries(Unpooled.wrappedBuffer(input), 4, length, 0);
        } catch (FrameException e) {
            return;
        }
        throw new AssertionError("checkEntries accepts a table read() refuses with: " + readError.detail());
    }

    // ------------------------------------------------------------------------------------------
    // content headers

    private static void contentHeaders(byte[] input) {
        ContentHeader header;
        try {
            header = ContentHeader.decode(Unpooled.wrappedBuffer(input));
        } catch (FrameException e) {
            return;
        }
        checkHeader(header);
    }

    /** The validator, the peeking getters and the decoder agree; decoded properties write back. */
    private static void checkHeader(ContentHeader header) {
        FrameException checkError = null;
        try {
            header.checkProperties();
        } catch (FrameException e) {
            checkError = e;
        }
        BasicProperties properties;
        try {
            properties = BasicProperties.decode(header.rawProperties());
        } catch (FrameException e) {
            assertThat(checkError).as("checkProperties accepts properties decode() refuses: %s", e.detail())
                    .isNotNull();
            return;
        }
        assertThat(checkError).as("checkProperties refuses properties decode() accepts").isNull();
        assertThat(header.deliveryMode())
                .isEqualTo(properties.deliveryMode() == null ? 0 : properties.deliveryMode());
        assertThat(header.priority()).isEqualTo(properties.priority() == null ? -1 : properties.priority());
        byte[] once = properties.encode();
        assertThat(BasicProperties.decode(once).encode()).as("properties re-encoded").isEqualTo(once);
    }

    // ------------------------------------------------------------------------------------------

    /**
     * Runs {@code target} and checks what it allocated on this thread. Loading a class (and
     * Jazzer instrumenting it) allocates megabytes the first time an input reaches new code,
     * so an input over the bound is run once more and judged by that second run.
     */
    private static void withinAllocationBound(int inputLength, Runnable target) {
        long bound = ALLOCATION_ALLOWANCE + ALLOCATION_PER_INPUT_BYTE * inputLength;
        if (allocatedBy(target) <= bound) {
            return;
        }
        assertThat(allocatedBy(target)).as("bytes allocated for a %d-byte input", inputLength)
                .isLessThanOrEqualTo(bound);
    }

    private static long allocatedBy(Runnable target) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        target.run();
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }
}
