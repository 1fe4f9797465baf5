package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LongStringTest {

    @Test
    void comparesByContentAndDecodesUtf8() {
        LongString a = LongString.of("grüße");
        LongString b = LongString.of("grüße".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(b.toString()).isEqualTo("grüße");
        assertThat(b.length()).isEqualTo(7);
        assertThat(LongString.of(new byte[0])).isSameAs(LongString.EMPTY);
        assertThat(LongString.of(new byte[] {(byte) 0xFF}).toString()).isEqualTo("\uFFFD");
    }
}
