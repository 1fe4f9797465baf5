package io.warren.codec;

import com.rabbitmq.client.impl.Frame;
import com.rabbitmq.client.impl.LongStringHelper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Bridges to the RabbitMQ Java client's own encoders and decoders, and random values of every
 * field type, for the wire-compatibility tests.
 */
public final class ClientInterop {

    private ClientInterop() {
    }

    /** The bytes the client writes for {@code frame}. */
    public static byte[] bytes(Frame frame) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            frame.writeTo(out);
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads one frame with the client's reader. */
    public static Frame readFrame(byte[] bytes) {
        try {
            return Frame.readFrom(new DataInputStream(new ByteArrayInputStream(bytes)), Integer.MAX_VALUE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The readable bytes of {@code buf}, which is released. */
    public static byte[] drain(ByteBuf buf) {
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    public static ByteBuf wrap(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    /**
     * A comparable form of a decoded or original value: longstrs (Warren's, the client's,
     * and Strings, which are written as longstrs) and byte arrays become tagged Base64 text,
     * tables and arrays are normalized recursively.
     */
    public static Object normalize(Object v) {
        if (v instanceof LongString s) {
            return "S:" + Base64.getEncoder().encodeToString(s.bytes());
        }
        if (v instanceof com.rabbitmq.client.LongString s) {
            return "S:" + Base64.getEncoder().encodeToString(s.getBytes());
        }
        if (v instanceof String s) {
            return "S:" + Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
        }
        if (v instanceof byte[] b) {
            return "x:" + Base64.getEncoder().encodeToString(b);
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, normalize(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(normalize(x)));
            return out;
        }
        if (v instanceof Object[] a) {
            return normalize(List.of(a));
        }
        return v;
    }

    /** Converts Warren's LongStrings, deep inside tables too, to the client's. */
    @SuppressWarnings("unchecked")
    public static Object toClient(Object v) {
        if (v instanceof LongString s) {
            return LongStringHelper.asLongString(s.bytes());
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<String, Object>) m).forEach((k, x) -> out.put(k, toClient(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(toClient(x)));
            return out;
        }
        return v;
    }

    /** A random shortstr of at most 255 UTF-8 bytes, sometimes empty, sometimes not ASCII. */
    public static String shortstr(Random r) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(5) == 0 ? 0 : r.nextInt(40);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> s.appendCodePoint(0xA0 + r.nextInt(0x700));
                case 1 -> s.appendCodePoint(0x1F600 + r.nextInt(40));
                default -> s.append((char) (0x20 + r.nextInt(95)));
            }
        }
        return s.toString();
    }

    public static LongString longstr(Random r) {
        byte[] b = new byte[r.nextInt(4) == 0 ? 0 : r.nextInt(300)];
        r.nextBytes(b);
        return LongString.of(b);
    }

    /** A random table using every field type Warren writes, nested up to {@code depth}. */
    public static Map<String, Object> table(Random r, int depth) {
        Map<String, Object> t = new LinkedHashMap<>();
        int n = r.nextInt(depth == 0 ? 4 : 12);
        for (int i = 0; i < n; i++) {
            t.put("k" + i + shortstr(r).replace("\u0000", ""), value(r, depth));
        }
        return t;
    }

    public static Object value(Random r, int depth) {
        int kinds = depth > 0 ? 18 : 16;
        return switch (r.nextInt(kinds)) {
            case 0 -> shortstr(r);
            case 1 -> longstr(r);
            case 2 -> r.nextInt();
            case 3 -> r.nextLong();
            case 4 -> r.nextBoolean();
            case 5 -> (byte) r.nextInt();
            case 6 -> (short) r.nextInt();
            case 7 -> r.nextFloat() * 1000 - 500;
            case 8 -> r.nextDouble() * 1e9;
            case 9 -> BigDecimal.valueOf(r.nextInt(), r.nextInt(256));
            case 10 -> new Date((r.nextLong() % 4_000_000_000L) * 1000L);
            case 11 -> {
                byte[] b = new byte[r.nextInt(20)];
                r.nextBytes(b);
                yield b;
            }
            case 12 -> null;
            case 13 -> Map.of();
            case 14 -> List.of();
            case 15 -> Integer.MIN_VALUE;
            case 16 -> table(r, depth - 1);
            default -> {
                List<Object> l = new ArrayList<>();
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    l.add(value(r, depth - 1));
                }
                yield l;
            }
        };
    }
}
