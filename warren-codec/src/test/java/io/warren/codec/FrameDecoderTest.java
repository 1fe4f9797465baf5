package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.warren.codec.FrameException.Action;
import io.warren.codec.method.BasicPublish;
import io.warren.codec.method.ConnectionCloseOk;
import io.warren.codec.method.QueueDeclare;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The frame decoder fed through an EmbeddedChannel whole, one byte at a time, and broken.
 * Expected error texts are RabbitMQ 3.10.8's, observed over raw sockets.
 */
@ExtendWith(NoLeaks.class)
class FrameDecoderTest {

    private final List<ByteBuf> written = new ArrayList<>();
    private EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(ProtocolConstants.FRAME_MIN_SIZE));

    @AfterEach
    void nothingLeaks() {
        assertThat(channel.finishAndReleaseAll()).as("undelivered events").isFalse();
        for (ByteBuf b : written) {
            assertThat(b.refCnt()).as("input buffer released").isZero();
        }
    }

    @Test
    void acceptsTheAmqp091HeaderAndThe09One() {
        write(Frames.PROTOCOL_HEADER);
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
        channel = new EmbeddedChannel(new FrameDecoder(4096));
        write(new byte[] {'A', 'M', 'Q', 'P', 1, 1, 0, 9});
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
    }

    @Test
    void rejectsOtherHeadersAndDiscardsWhatFollows() {
        byte[][] headers = {
            {'A', 'M', 'Q', 'P', 0, 0, 9, 0}, {'A', 'M', 'Q', 'P', 0, 0, 9, 2}, {'A', 'M', 'Q', 'P', 1, 1, 8, 0},
            {'A', 'M', 'Q', 'P', 0, 1, 0, 0}, {'A', 'M', 'Q', 'P', 3, 1, 0, 0}, {'A', 'M', 'Q', 'X', 0, 0, 9, 1},
            "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
        };
        for (byte[] header : headers) {
            channel.finishAndReleaseAll();
            channel = new EmbeddedChannel(new FrameDecoder(4096));
            write(header);
            assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.REJECTED);
            write(heartbeat());
            assertThat(channel.<Object>readInbound()).isNull();
        }
    }

    @Test
    void waitsForAllEightHeaderBytes() {
        write(new byte[] {'A', 'M', 'Q', 'P', 0, 0, 9});
        assertThat(channel.<Object>readInbound()).isNull();
        write(new byte[] {1});
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
    }

    @Test
    void decodesSeveralFramesFromOneBuffer() {
        write(concat(Frames.PROTOCOL_HEADER, publishFrames(1, "hello".getBytes()), heartbeat()));
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
        assertPublish(channel, 1, "hello");
        assertThat(channel.<Object>readInbound()).isSameAs(HeartbeatFrame.INSTANCE);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void decodesTheSameStreamFedOneByteAtATime() {
        byte[] stream = concat(Frames.PROTOCOL_HEADER, publishFrames(3, "one byte at a time".getBytes()),
                method(0, ConnectionCloseOk.INSTANCE));
        for (int i = 0; i < stream.length; i++) {
            write(new byte[] {stream[i]});
            if (i < 7) {
                assertThat(channel.<Object>readInbound()).isNull();
            }
        }
        assertThat(channel.<Object>readInbound()).isEqualTo(ProtocolHeaderFrame.ACCEPTED);
        assertPublish(channel, 3, "one byte at a time");
        assertThat(((MethodFrame) channel.readInbound()).method()).isSameAs(ConnectionCloseOk.INSTANCE);
    }

    @Test
    void allowsAFrameExactlyFrameMaxLongAsRabbitMqDoes() {
        write(concat(Frames.PROTOCOL_HEADER, body(1, new byte[4096])));
        channel.readInbound();
        ContentBodyFrame frame = channel.readInbound();
        assertThat(frame.content().readableBytes()).isEqualTo(4096);
        frame.release();
    }

    @Test
    void refusesAnOversizedFrameAsSoonAsItsHeaderArrives() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        write(new byte[] {3, 0, 1, 0, 0, 0x10, 0x01}); // body frame of 4097 bytes, payload not sent
        FrameException e = error();
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,4097,4088}");
        assertThat(e.replyCode().code()).isEqualTo(501);
        assertThat(e.action()).isEqualTo(Action.CLOSE_OUT_OF_SYNC);
        write(heartbeat());
        assertThat(channel.<Object>readInbound()).as("input after a fatal error is discarded").isNull();
    }

    @Test
    void appliesTheNegotiatedFrameMax() {
        FrameDecoder decoder = new FrameDecoder(4096);
        channel = new EmbeddedChannel(decoder);
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        decoder.setMaxFrameSize(131072);
        write(body(1, new byte[131072]));
        ((ContentBodyFrame) channel.readInbound()).release();
        write(new byte[] {3, 0, 1, 0, 2, 0, 1});
        assertThat(error().getMessage())
                .isEqualTo("FRAME_ERROR - type 3, all octets = <<>>: {frame_too_large,131073,131064}");
    }

    @Test
    void refusesABadFrameEndAndStopsReading() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        byte[] frame = body(1, "hello".getBytes());
        frame[frame.length - 1] = 0;
        write(concat(frame, heartbeat()));
        FrameException e = error();
        assertThat(e.getMessage())
                .isEqualTo("FRAME_ERROR - type 3, all octets = <<\"hello\">>: {invalid_frame_end_marker,0}");
        assertThat(e.action()).isEqualTo(Action.CLOSE_OUT_OF_SYNC);
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void printsTheFirst16OctetsOfALongerPayload() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        byte[] frame = body(1, "x".repeat(40).getBytes());
        frame[frame.length - 1] = 0;
        write(frame);
        assertThat(error().getMessage()).isEqualTo(
                "FRAME_ERROR - type 3, first 16 octets = <<\"xxxxxxxxxxxxxxxx\">>: {invalid_frame_end_marker,0}");
    }

    @Test
    void reportsAnUnknownFrameTypeAndKeepsReadingForCloseOk() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        write(concat(frame(9, 1, "abc".getBytes()), method(0, ConnectionCloseOk.INSTANCE)));
        FrameException e = error();
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - type 9, all octets = <<\"abc\">>: unknown_frame");
        assertThat(e.action()).isEqualTo(Action.CLOSE);
        assertThat(e.classId()).isZero();
        assertThat(((MethodFrame) channel.readInbound()).method()).isSameAs(ConnectionCloseOk.INSTANCE);
    }

    @Test
    void reportsFramesRabbitMqDoesNotExpectWhereTheyArrive() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        write(frame(8, 0, "x".getBytes()));
        assertThat(error().getMessage()).isEqualTo("FRAME_ERROR - type 8, all octets = <<\"x\">>: unknown_frame");
        write(frame(8, 1, new byte[0]));
        FrameException heartbeatOnChannel = error();
        assertThat(heartbeatOnChannel.getMessage()).isEqualTo("UNEXPECTED_FRAME - type 8, all octets = <<>>");
        assertThat(heartbeatOnChannel.replyCode().code()).isEqualTo(505);
        write(frame(3, 0, "abc".getBytes()));
        assertThat(error().getMessage()).isEqualTo("UNEXPECTED_FRAME - type 3, all octets = <<\"abc\">>");
        write(frame(2, 0, new byte[] {0, 60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
        assertThat(error().getMessage())
                .isEqualTo("UNEXPECTED_FRAME - type 2, all octets = <<0,60,0,0,0,0,0,0,0,0,0,0,0,0>>");
        write(frame(2, 1, new byte[] {0, 60, 0, 0}));
        assertThat(error().getMessage()).isEqualTo("FRAME_ERROR - type 2, all octets = <<0,60,0,0>>: unknown_frame");
        write(frame(1, 1, new byte[] {0, 50, 0}));
        assertThat(error().getMessage()).isEqualTo("FRAME_ERROR - type 1, all octets = <<0,50,0>>: unknown_frame");
        write(heartbeat());
        assertThat(channel.<Object>readInbound()).isSameAs(HeartbeatFrame.INSTANCE);
    }

    @Test
    void reportsMethodDecodeErrorsWithTheMethodsIds() {
        write(Frames.PROTOCOL_HEADER);
        channel.readInbound();
        write(frame(1, 1, new byte[] {0, 90, 0, 10, 0}));
        FrameException e = error();
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - cannot decode <<0>>");
        assertThat(e.classId()).isEqualTo(90);
        write(frame(1, 0, new byte[] {0, 10, 0, 50, 0}));
        assertThat(error().getMessage()).isEqualTo("INTERNAL_ERROR");
        write(frame(1, 1, new byte[] {0, 60, 0, 99}));
        assertThat(error().action()).isEqualTo(Action.DROP);
        write(heartbeat());
        assertThat(channel.<Object>readInbound()).isNull();
    }

    @Test
    void decodesMethodsInPlaceWithoutDisturbingTheFollowingFrames() {
        QueueDeclare declare = new QueueDeclare(0, "q", false, true, false, false, false,
                Map.of("x-queue-type", "quorum"));
        write(concat(Frames.PROTOCOL_HEADER, method(5, declare), method(6, declare)));
        channel.readInbound();
        MethodFrame first = channel.readInbound();
        MethodFrame second = channel.readInbound();
        assertThat(first.channel()).isEqualTo(5);
        assertThat(second.channel()).isEqualTo(6);
        assertThat(((QueueDeclare) second.method()).queue()).isEqualTo("q");
        assertThat(((QueueDeclare) second.method()).arguments())
                .containsEntry("x-queue-type", LongString.of("quorum"));
    }

    @Test
    void handsOutBodiesAsSlicesTheReceiverReleases() {
        byte[] payload = new byte[100_000];
        new java.util.Random(1).nextBytes(payload);
        channel = new EmbeddedChannel(new FrameDecoder(131072));
        byte[] stream = concat(Frames.PROTOCOL_HEADER, body(1, payload));
        for (int at = 0; at < stream.length; at += 1500) { // network-sized pieces
            write(java.util.Arrays.copyOfRange(stream, at, Math.min(stream.length, at + 1500)));
        }
        channel.readInbound();
        ContentBodyFrame frame = channel.readInbound();
        assertThat(ByteBufUtil.getBytes(frame.content())).isEqualTo(payload);
        assertThat(frame.refCnt()).isEqualTo(1);
        assertThat(frame.release()).isTrue();
    }

    @Test
    void handsOutARepeatedPublishAndHeaderAsTheSameFrames() {
        byte[] props = BasicProperties.EMPTY.withDeliveryMode(2).encode();
        write(concat(Frames.PROTOCOL_HEADER, publishFrames(1, "abc".getBytes(StandardCharsets.UTF_8)),
                publishFrames(1, "xyz".getBytes(StandardCharsets.UTF_8))));
        channel.readInbound();
        MethodFrame firstPublish = channel.readInbound();
        ContentHeaderFrame firstHeader = channel.readInbound();
        ((ContentBodyFrame) channel.readInbound()).release();
        MethodFrame secondPublish = channel.readInbound();
        ContentHeaderFrame secondHeader = channel.readInbound();
        ContentBodyFrame secondBody = channel.readInbound();
        assertThat(secondPublish).isSameAs(firstPublish);
        assertThat(secondHeader).isSameAs(firstHeader);
        assertThat(secondHeader.header().rawProperties()).isEqualTo(props);
        assertThat(secondBody.content().toString(StandardCharsets.UTF_8)).isEqualTo("xyz");
        secondBody.release();
    }

    @Test
    void decodesAPublishOrHeaderThatDiffersInAnyByteOrChannelAfresh() {
        ByteBuf out = Unpooled.buffer();
        out.writeBytes(Frames.PROTOCOL_HEADER);
        Frames.writeMethod(out, 1, new BasicPublish(0, "x", "rk1", false, false));
        Frames.writeMethod(out, 1, new BasicPublish(0, "x", "rk2", false, false));
        Frames.writeMethod(out, 2, new BasicPublish(0, "x", "rk2", false, false));
        Frames.writeMethod(out, 2, new BasicPublish(0, "x", "rk2", true, false));
        ContentHeader.writeFrame(out, 1, 60, 5, BasicProperties.EMPTY.encode());
        ContentHeader.writeFrame(out, 1, 60, 6, BasicProperties.EMPTY.encode());
        ContentHeader.writeFrame(out, 2, 60, 6, BasicProperties.EMPTY.encode());
        write(ClientInterop.drain(out));
        channel.readInbound();
        List<MethodFrame> publishes = List.of(channel.readInbound(), channel.readInbound(),
                channel.readInbound(), channel.readInbound());
        assertThat(publishes).extracting(MethodFrame::channel).containsExactly(1, 1, 2, 2);
        assertThat(publishes).extracting(MethodFrame::method).containsExactly(
                new BasicPublish(0, "x", "rk1", false, false), new BasicPublish(0, "x", "rk2", false, false),
                new BasicPublish(0, "x", "rk2", false, false), new BasicPublish(0, "x", "rk2", true, false));
        List<ContentHeaderFrame> headers = List.of(channel.readInbound(), channel.readInbound(),
                channel.readInbound());
        assertThat(headers).extracting(h -> h.header().bodySize()).containsExactly(5L, 6L, 6L);
        assertThat(headers).extracting(ContentHeaderFrame::channel).containsExactly(1, 1, 2);
    }

    private static void assertPublish(EmbeddedChannel channel, int ch, String body) {
        MethodFrame m = channel.readInbound();
        assertThat(m.channel()).isEqualTo(ch);
        assertThat(m.method()).isEqualTo(new BasicPublish(0, "amq.direct", "rk", true, false));
        ContentHeaderFrame h = channel.readInbound();
        assertThat(h.channel()).isEqualTo(ch);
        assertThat(h.header().bodySize()).isEqualTo(body.length());
        assertThat(h.header().deliveryMode()).isEqualTo(2);
        ContentBodyFrame b = channel.readInbound();
        assertThat(b.content().toString(StandardCharsets.UTF_8)).isEqualTo(body);
        b.release();
    }

    private FrameException error() {
        Object event = channel.readInbound();
        assertThat(event).isInstanceOf(FrameErrorEvent.class);
        return ((FrameErrorEvent) event).error();
    }

    private void write(byte[] bytes) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(bytes.length).writeBytes(bytes); // leak-tracked
        written.add(b);
        channel.writeInbound(b);
    }

    private static byte[] publishFrames(int ch, byte[] body) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeMessage(out, ch, new BasicPublish(0, "amq.direct", "rk", true, false),
                BasicProperties.EMPTY.withDeliveryMode(2).encode(), body, 4096);
        return ClientInterop.drain(out);
    }

    private static byte[] method(int ch, io.warren.codec.method.Method m) {
        ByteBuf out = Unpooled.buffer();
        Frames.writeMethod(out, ch, m);
        return ClientInterop.drain(out);
    }

    private static byte[] body(int ch, byte[] payload) {
        return frame(3, ch, payload);
    }

    private static byte[] heartbeat() {
        ByteBuf out = Unpooled.buffer();
        Frames.writeHeartbeat(out);
        return ClientInterop.drain(out);
    }

    private static byte[] frame(int type, int ch, byte[] payload) {
        ByteBuf out = Unpooled.buffer();
        out.writeByte(type).writeShort(ch).writeInt(payload.length).writeBytes(payload).writeByte(0xCE);
        return ClientInterop.drain(out);
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuf out = Unpooled.buffer();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return ClientInterop.drain(out);
    }
}
