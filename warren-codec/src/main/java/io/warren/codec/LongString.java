package io.warren.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An AMQP longstr (and field-table type 'S'): a length-prefixed byte string that is usually
 * UTF-8 text but may be binary (SASL responses, arbitrary header values), so it is kept as
 * bytes and decoded only when asked.
 *
 * <p>Immutable by contract: {@link #bytes()} returns the backing array without copying (the
 * decoder hands over arrays it owns), so callers must not modify it.
 */
public final class LongString {

    /** The empty longstr. */
    public static final LongString EMPTY = new LongString(new byte[0]);

    private final byte[] bytes;
    private String text;

    private LongString(byte[] bytes) {
        this.bytes = bytes;
    }

    /** The UTF-8 encoding of {@code text}. */
    public static LongString of(String text) {
        LongString s = new LongString(text.getBytes(StandardCharsets.UTF_8));
        s.text = text;
        return s;
    }

    /** Wraps {@code bytes} without copying; the caller gives up the right to modify them. */
    public static LongString of(byte[] bytes) {
        return bytes.length == 0 ? EMPTY : new LongString(bytes);
    }

    /** The backing array, not a copy: do not modify it. */
    public byte[] bytes() {
        return bytes;
    }

    /** Length in bytes. */
    public int length() {
        return bytes.length;
    }

    /** The bytes decoded as UTF-8 (malformed sequences become U+FFFD). */
    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = new String(bytes, StandardCharsets.UTF_8);
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LongString other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }
}
