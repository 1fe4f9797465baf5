package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.Frame;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.warren.codec.method.BasicDeliver;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Writing frames: body splitting at frame-max, whole messages, heartbeats. */
@ExtendWith(NoLeaks.class)
class FramesTest {

    private static final int FRAME_MAX = 4096;

    @Test
    void anEmptyBodyWritesNoBodyFrame() throws IOException {
        assertThat(bodyFrames(new byte[0], FRAME_MAX)).isEmpty();
    }

    @Test
    void aBodyOfFrameMaxMinus8FitsOneFrame() throws IOException {
        assertThat(bodyFrames(body(FRAME_MAX - 8), FRAME_MAX)).containsExactly(FRAME_MAX - 8);
    }

    @Test
    void oneByteMoreTakesASecondFrame() throws IOException {
        assertThat(bodyFrames(body(FRAME_MAX - 7), FRAME_MAX)).containsExactly(FRAME_MAX - 8, 1);
    }

    @Test
    void splitsMegabytesIntoFullFramesAndARemainder() throws IOException {
        int size = 5 * 1024 * 1024 + 3;
        List<Integer> frames = bodyFrames(body(size), 131072);
        assertThat(frames).hasSize(size / 131064 + 1);
        assertThat(frames.subList(0, frames.size() - 1)).allMatch(n -> n == 131064);
        assertThat(frames.get(frames.size() - 1)).isEqualTo(size % 131064);
    }

    @Test
    void frameMaxZeroMeansOneFrame() throws IOException {
        assertThat(bodyFrames(body(100_000), 0)).containsExactly(100_000);
    }

    @Test
    void aDeliverTemplateWritesWhatTheMethodWritesForEveryBodySizeAndEveryReuse() {
        byte[] props = BasicProperties.EMPTY.withContentType("text/plain").encode();
        DeliverTemplate template = new DeliverTemplate(3, Wire.shortstr("amq.ctag-é"), Wire.shortstr(""),
                Wire.shortstr("q"), props);
        int chunk = FRAME_MAX - ProtocolConstants.FRAME_OVERHEAD;
        long tag = 1;
        for (int size : new int[] {0, 1, 16, chunk - 1, chunk, chunk + 1, 3 * chunk + 5, 16}) {
            byte[] content = body(size);
            boolean redelivered = size % 2 == 1;
            ByteBuf expected = Unpooled.buffer();
            Frames.writeMessage(expected, 3, new BasicDeliver("amq.ctag-é", tag, redelivered, "", "q"), props,
                    content, FRAME_MAX);
            ByteBuf actual = Unpooled.buffer();
            template.write(actual, tag, redelivered, content, FRAME_MAX);
            assertThat(ClientInterop.drain(actual)).as("body of %d bytes", size)
                    .isEqualTo(ClientInterop.drain(expected));
            tag += 1_000_000_007L;
        }
    }

    @Test
    void writesAWholeDeliveryThatDecodesBack() {
        byte[] content = body(10_000);
        BasicDeliver deliver = new BasicDeliver("ctag", 42L, true, "ex", "rk");
        byte[] props = BasicProperties.EMPTY.withContentType("text/plain").withDeliveryMode(2).encode();
        ByteBuf out = PooledByteBufAllocator.DEFAULT.buffer();
        out.writeBytes(Frames.PROTOCOL_HEADER);
        Frames.writeMessage(out, 9, deliver, props, content, FRAME_MAX);

        EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(FRAME_MAX));
        channel.writeInbound(out);
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
        assertThat(((MethodFrame) channel.readInbound()).method()).isEqualTo(deliver);
        ContentHeaderFrame header = channel.readInbound();
        assertThat(header.header().bodySize()).isEqualTo(content.length);
        assertThat(header.header().rawProperties()).isEqualTo(props);
        ByteBuf received = Unpooled.buffer();
        for (Object frame; (frame = channel.readInbound()) != null; ) {
            ContentBodyFrame body = (ContentBodyFrame) frame;
            assertThat(body.channel()).isEqualTo(9);
            received.writeBytes(body.content());
            body.release();
        }
        assertThat(ClientInterop.drain(received)).isEqualTo(content);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void writesTheHeartbeatFrameTheSpecDefines() {
        ByteBuf out = Unpooled.buffer();
        Frames.writeHeartbeat(out);
        assertThat(ClientInterop.drain(out)).containsExactly(8, 0, 0, 0, 0, 0, 0, (byte) 0xCE);
        assertThat(Frames.PROTOCOL_HEADER).containsExactly('A', 'M', 'Q', 'P', 0, 0, 9, 1);
    }

    /** Splits with Warren, reads the frames back with the Java client, returns payload sizes. */
    private static List<Integer> bodyFrames(byte[] content, int frameMax) throws IOException {
        ByteBuf out = Unpooled.buffer();
        Frames.writeBody(out, 4, content, 0, content.length, frameMax);
        byte[] wire = ClientInterop.drain(out);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(wire));
        List<Integer> sizes = new ArrayList<>();
        ByteBuf reassembled = Unpooled.buffer();
        while (in.available() > 0) {
            Frame frame = Frame.readFrom(in, Integer.MAX_VALUE);
            assertThat(frame.getType()).isEqualTo(ProtocolConstants.FRAME_BODY);
            assertThat(frame.getChannel()).isEqualTo(4);
            sizes.add(frame.getPayload().length);
            reassembled.writeBytes(frame.getPayload());
        }
        assertThat(ByteBufUtil.getBytes(reassembled)).isEqualTo(content);
        reassembled.release();
        return sizes;
    }

    private static byte[] body(int size) {
        byte[] b = new byte[size];
        new Random(size).nextBytes(b);
        return b;
    }
}
