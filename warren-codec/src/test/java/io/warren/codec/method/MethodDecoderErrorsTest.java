package io.warren.codec.method;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.FrameException;
import io.warren.codec.FrameException.Action;
import io.warren.codec.FrameException.Kind;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Malformed method payloads. Every expected text, code, class/method pair and action here was
 * observed on RabbitMQ 3.10.8 by sending the same bytes over a raw socket on an open channel
 * (channel 1 unless the test says channel 0).
 */
class MethodDecoderErrorsTest {

    @Test
    void unknownMethodOrClassIdsMakeRabbitMqDropTheConnectionWithoutAReply() {
        for (int channel : new int[] {0, 1}) {
            assertError(payload(60, 99), channel, Kind.UNKNOWN_METHOD, Action.DROP);
            assertError(payload(99, 10), channel, Kind.UNKNOWN_METHOD, Action.DROP);
            assertError(payload(10, 99), channel, Kind.UNKNOWN_METHOD, Action.DROP);
        }
    }

    @Test
    void truncatedArgumentsCannotBeDecodedAndNameTheMethod() {
        FrameException e = assertError(payload(50, 10, concat(new int[] {0, 0}, shortstr("warren-probe-q"))), 1,
                Kind.CANNOT_DECODE, Action.CLOSE);
        assertThat(e.replyCode()).isEqualTo(ReplyCode.FRAME_ERROR);
        assertThat(e.getMessage()).isEqualTo(
                "FRAME_ERROR - cannot decode <<0,0,14,119,97,114,114,101,110,45,112,114,111,98,101,45,113>>");
        assertThat(e.classId()).isEqualTo(50);
        assertThat(e.methodId()).isEqualTo(10);
        assertThat(e.explanation())
                .isEqualTo("cannot decode <<0,0,14,119,97,114,114,101,110,45,112,114,111,98,101,45,113>>");

        assertThat(assertError(payload(60, 40, 0, 0, 0), 1, Kind.CANNOT_DECODE, Action.CLOSE).getMessage())
                .isEqualTo("FRAME_ERROR - cannot decode <<0,0,0>>");
        assertThat(assertError(payload(50, 10, concat(new int[] {0, 0}, shortstr("q"))), 1, Kind.CANNOT_DECODE, Action.CLOSE)
                .getMessage()).isEqualTo("FRAME_ERROR - cannot decode <<0,0,1,113>>");
    }

    @Test
    void bytesAfterTheArgumentsCannotBeDecodedEither() {
        FrameException e = assertError(payload(50, 10, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2), 1,
                Kind.CANNOT_DECODE, Action.CLOSE);
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - cannot decode <<0,0,0,0,0,0,0,0,1,2>>");
        assertThat(assertError(payload(20, 10, 0, 0), 2, Kind.CANNOT_DECODE, Action.CLOSE).getMessage())
                .isEqualTo("FRAME_ERROR - cannot decode <<0,0>>");
        FrameException tx = assertError(payload(90, 10, 0), 1, Kind.CANNOT_DECODE, Action.CLOSE);
        assertThat(tx.getMessage()).isEqualTo("FRAME_ERROR - cannot decode <<0>>");
        assertThat(tx.classId()).isEqualTo(90);
        assertThat(tx.methodId()).isEqualTo(10);
    }

    @Test
    void aTableLongerThanTheFrameIsATruncatedMethod() {
        int[] args = concat(new int[] {0, 0}, shortstr("warren-codec-probe-q"), new int[] {8, 0, 0, 0, 100},
                shortstr("x-foo"), new int[] {'V'});
        assertThat(assertError(payload(50, 10, args), 1, Kind.CANNOT_DECODE, Action.CLOSE).getMessage())
                .isEqualTo("FRAME_ERROR - cannot decode <<0,0,20,119,97,114,114,101,110,45,99,111,100,101,99,45,"
                        + "112,114,111,98,101,45,113,8,0,0,0,100,5,120,45,102,111,111,86>>");
    }

    @Test
    void cutsLongTextsTo252BytesAndThreeDots() {
        int[] name = new int[101];
        name[0] = 100;
        java.util.Arrays.fill(name, 1, 101, 'q');
        String text = assertError(payload(50, 10, concat(new int[] {0, 0}, name)), 1, Kind.CANNOT_DECODE,
                Action.CLOSE).getMessage();
        String full = "FRAME_ERROR - cannot decode <<0,0,100" + ",113".repeat(100) + ">>";
        assertThat(text).isEqualTo(full.substring(0, 252) + "...");
        assertThat(text.getBytes(StandardCharsets.UTF_8)).hasSize(255);
        assertThat(text).endsWith("113,11...");
    }

    @Test
    void aShortstrThatIsNotUtf8IsAFrameErrorNamingNoMethod() {
        int[] args = concat(new int[] {0, 0}, new int[] {12, 'b', 'a', 'd', 0xFF, 0xFE, 'n', 'a', 'm', 'e', 'x', 'y', 'z'},
                new int[] {8, 0, 0, 0, 0});
        FrameException e = assertError(payload(50, 10, args), 1, Kind.MALFORMED_UTF8, Action.CLOSE);
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - Malformed UTF-8 in shortstr");
        assertThat(e.replyCode().code()).isEqualTo(501);
        assertThat(e.classId()).isZero();
        assertThat(e.methodId()).isZero();
    }

    @Test
    void contentCarryingMethodsDoNotCheckUtf8() {
        Method m = MethodDecoder.decode(buf(payload(60, 40, concat(new int[] {0, 0}, new int[] {1, 0xFF},
                new int[] {1, 'k'}, new int[] {0}))));
        assertThat(m).isInstanceOf(BasicPublish.class);
        assertThat(((BasicPublish) m).routingKey()).isEqualTo("k");
    }

    @Test
    void aTruncatedFrameWinsOverABadValueMetEarlier() {
        int[] args = concat(new int[] {0, 0}, new int[] {2, 0xFF, 0xFE}, new int[] {8, 0, 0});
        assertError(payload(50, 10, args), 1, Kind.CANNOT_DECODE, Action.CLOSE);
        int[] badTableThenShort = concat(new int[] {0, 0}, shortstr("q"), new int[] {0}, new int[] {0, 0, 0, 2, 'Z', 0},
                new int[] {9});
        assertError(payload(50, 10, badTableThenShort), 1, Kind.CANNOT_DECODE, Action.CLOSE);
    }

    @Test
    void malformedTableEntriesMakeRabbitMqDropTheConnection() {
        int[][] tables = {
            concat(new int[] {0, 0, 0, 8}, shortstr("x-foo"), new int[] {'Z', 0}),
            concat(new int[] {0, 0, 0, 13}, shortstr("x-foo"), new int[] {'S', 0, 0, 0, 50, 'a', 'b'}),
            concat(new int[] {0, 0, 0, 6}, shortstr("x-foo")),
            concat(new int[] {0, 0, 0, 9}, shortstr("x-foo"), new int[] {'U', 0, 5}),
        };
        for (int[] table : tables) {
            int[] args = concat(new int[] {0, 0}, shortstr("warren-codec-probe-q"), new int[] {8}, table);
            assertError(payload(50, 10, args), 1, Kind.MALFORMED_TABLE, Action.DROP);
        }
    }

    @Test
    void onChannelZeroDecodeFailuresAreInternalErrors() {
        for (int[] p : new int[][] {
            payload(10, 50, 0),                                   // connection.close, one byte
            payload(10, 70, 0, 0, 0, 1, 'x'),                     // connection.update-secret, no reason
            payload(20, 41, 0),                                   // channel.close-ok with a byte
            payload(10, 11, concat(new int[] {0, 0, 0, 3, 1, 'k', 'Z'}, shortstr("PLAIN"),
                    new int[] {0, 0, 0, 0}, shortstr("en_US"))),  // start-ok, bad client-properties
        }) {
            FrameException e = assertError(p, 0, null, Action.CLOSE);
            assertThat(e.replyCode().code()).isEqualTo(541);
            assertThat(e.getMessage()).isEqualTo("INTERNAL_ERROR");
            assertThat(e.explanation()).isEmpty();
            assertThat(e.classId()).isZero();
            assertThat(e.methodId()).isZero();
        }
    }

    @Test
    void onChannelZeroAUtf8ErrorNamesTheMethod() {
        FrameException e = assertError(payload(10, 70, 0, 0, 0, 1, 'x', 1, 0xFF), 0, Kind.MALFORMED_UTF8,
                Action.CLOSE);
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - Malformed UTF-8 in shortstr");
        assertThat(e.classId()).isEqualTo(10);
        assertThat(e.methodId()).isEqualTo(70);
    }

    @Test
    void aPayloadTooShortForTheIdsIsAnUnknownFrame() {
        FrameException e = assertError(new int[] {0, 50, 0}, 1, Kind.UNKNOWN_FRAME, Action.CLOSE);
        assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - type 1, all octets = <<0,50,0>>: unknown_frame");
    }

    @Test
    void describesADecodedMethodThatArrivedWhereNoneWasExpected() {
        FrameException e = FrameException.unexpectedFrame(new ChannelOpen(""));
        assertThat(e.getMessage()).isEqualTo("UNEXPECTED_FRAME - type 1, all octets = <<0,20,0,10,0>>");
        assertThat(e.replyCode().code()).isEqualTo(505);
        assertThat(e.action()).isEqualTo(Action.CLOSE);
    }

    @Test
    void ignoresUnusedBitsInABitOctet() {
        BasicAck ack = (BasicAck) MethodDecoder.decode(buf(payload(60, 80, 0, 0, 0, 0, 0, 0, 0, 9, 0xFE)));
        assertThat(ack.deliveryTag()).isEqualTo(9);
        assertThat(ack.multiple()).isFalse();
    }

    @Test
    void returnsTheSharedInstanceForMethodsWithoutArguments() {
        assertThat(MethodDecoder.decode(buf(payload(90, 10)))).isSameAs(TxSelect.INSTANCE);
        assertThat(MethodDecoder.decode(buf(payload(10, 51)), 0)).isSameAs(ConnectionCloseOk.INSTANCE);
    }

    @Test
    void consumesExactlyThePayload() {
        ByteBuf in = buf(payload(60, 80, 0, 0, 0, 0, 0, 0, 0, 9, 1));
        MethodDecoder.decode(in);
        assertThat(in.isReadable()).isFalse();
    }

    private static FrameException assertError(int[] payload, int channel, Kind kind, Action action) {
        FrameException[] caught = new FrameException[1];
        assertThatThrownBy(() -> MethodDecoder.decode(buf(payload), channel))
                .isInstanceOfSatisfying(FrameException.class, e -> {
                    if (kind != null) {
                        assertThat(e.kind()).isEqualTo(kind);
                    }
                    assertThat(e.action()).isEqualTo(action);
                    caught[0] = e;
                });
        return caught[0];
    }

    private static ByteBuf buf(int[] bytes) {
        ByteBuf b = Unpooled.buffer(bytes.length);
        for (int x : bytes) {
            b.writeByte(x);
        }
        return b;
    }

    static int[] payload(int classId, int methodId, int... args) {
        return concat(new int[] {classId >> 8, classId & 0xFF, methodId >> 8, methodId & 0xFF}, args);
    }

    static int[] shortstr(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        int[] out = new int[b.length + 1];
        out[0] = b.length;
        for (int i = 0; i < b.length; i++) {
            out[i + 1] = b[i] & 0xFF;
        }
        return out;
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) {
            n += p.length;
        }
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
