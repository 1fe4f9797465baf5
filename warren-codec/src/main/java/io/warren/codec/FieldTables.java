package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AMQP field tables ('F') and arrays ('A') with the value types RabbitMQ and its clients use,
 * which are not the 0-9-1 spec's list (RabbitMQ's "errata": 's' is a signed short, 'l' a
 * signed long long, no 'U'/'L' in clients...).
 *
 * <p>Reading gives the Java types the RabbitMQ Java client gives, so values compare with what
 * a client sent: <pre>
 * 't' Boolean   'b' Byte     'B' Integer (unsigned octet)   's' Short   'u' Integer (unsigned short)
 * 'I' Integer   'i' Long (unsigned 32)   'l' Long   'L' Long (RabbitMQ reads it; clients never send it)
 * 'f' Float     'd' Double   'D' BigDecimal (scale octet, signed 32-bit unscaled value)
 * 'S' LongString   'T' java.util.Date (seconds)   'F' Map   'A' List   'x' byte[]   'V' null
 * </pre>
 * Writing picks the tag from the Java type as the Java client does: String and LongString
 * 'S', Integer 'I', Long 'l', Boolean 't', Byte 'b', Short 's', Float 'f', Double 'd',
 * BigDecimal 'D', Date 'T', Map 'F', List and Object[] 'A', byte[] 'x', null 'V'. So 'B', 'u'
 * and 'i' come back as 'I', 'I' and 'l' after a decode/encode round trip; a client reading
 * them sees the same Integer or Long either way.
 *
 * <p>Decoded tables keep wire order (LinkedHashMap); when a key repeats, the first entry
 * wins, as RabbitMQ's lookups see it. An empty table decodes to an immutable empty map;
 * treat all decoded tables as read-only. Nesting deeper than {@value #MAX_DEPTH} levels is
 * refused rather than risk the event loop's stack.
 */
public final class FieldTables {

    /** Deepest nesting of tables and arrays accepted when reading. */
    public static final int MAX_DEPTH = 1000;

    private FieldTables() {
    }

    /** Reads a 4-byte length and the table's entries. Malformed input: FrameException MALFORMED_TABLE. */
    public static Map<String, Object> read(ByteBuf in) {
        return readEntries(in, readLength(in), 0);
    }

    /** Reads a 4-byte length and the array's values ('A' without its tag). */
    public static List<Object> readArray(ByteBuf in) {
        return readArrayValues(in, readLength(in), 0);
    }

    /** Writes a table (null as an empty one): 4-byte length, then the entries. */
    public static void write(ByteBuf out, Map<String, ?> table) {
        writeTable(out, table, 0);
    }

    /** Writes an array ('A' without its tag): 4-byte length, then tagged values. */
    public static void writeArray(ByteBuf out, List<?> values) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        if (values != null) {
            for (Object v : values) {
                writeValue(out, v, 1);
            }
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    /** The bytes {@link #write} would produce, length prefix included. */
    public static int encodedSize(Map<String, ?> table) {
        int size = 4;
        if (table != null) {
            for (Map.Entry<String, ?> e : table.entrySet()) {
                size += 1 + ByteBufUtil.utf8Bytes(e.getKey()) + valueSize(e.getValue());
            }
        }
        return size;
    }

    static Map<String, Object> readEntries(ByteBuf in, int length, int depth) {
        if (length == 0) {
            return Map.of();
        }
        checkDepth(depth);
        int end = in.readerIndex() + length;
        Map<String, Object> table = new LinkedHashMap<>();
        while (in.readerIndex() < end) {
            need(in, end, 1);
            int keyLength = in.readUnsignedByte();
            need(in, end, keyLength);
            String key = keyLength == 0 ? "" : Wire.decodeShortstr(in, in.readerIndex(), keyLength);
            in.skipBytes(keyLength);
            Object value = readValue(in, end, depth);
            if (!table.containsKey(key)) {
                table.put(key, value);
            }
        }
        return table;
    }

    /**
     * Walks the entries of a table at {@code [index, index + length)} of {@code buf} without
     * decoding or allocating; throws FrameException MALFORMED_TABLE where {@link #read} would.
     */
    static void checkEntries(ByteBuf buf, long index, long length, int depth) {
        checkDepth(depth);
        long p = index;
        long end = index + length;
        while (p < end) {
            p += 1 + byteAt(buf, p, end);
            p = checkValue(buf, p, end, depth);
        }
    }

    private static void checkArrayValues(ByteBuf buf, long index, long length, int depth) {
        checkDepth(depth);
        long p = index;
        long end = index + length;
        while (p < end) {
            p = checkValue(buf, p, end, depth);
        }
    }

    private static long checkValue(ByteBuf buf, long at, long end, int depth) {
        int type = byteAt(buf, at, end);
        long p = at + 1;
        long next = switch (type) {
            case 'S', 'x' -> p + 4 + lengthAt(buf, p, end);
            case 'I', 'i', 'f' -> p + 4;
            case 'l', 'L', 'd', 'T' -> p + 8;
            case 's', 'u' -> p + 2;
            case 'b', 'B', 't' -> p + 1;
            case 'D' -> p + 5;
            case 'V' -> p;
            case 'F' -> {
                long n = lengthAt(buf, p, end);
                checkEntries(buf, p + 4, n, depth + 1);
                yield p + 4 + n;
            }
            case 'A' -> {
                long n = lengthAt(buf, p, end);
                checkArrayValues(buf, p + 4, n, depth + 1);
                yield p + 4 + n;
            }
            default -> throw FrameException.malformedTable("unknown field type " + type);
        };
        if (next > end) {
            throw FrameException.malformedTable("entry runs past the end of its table");
        }
        return next;
    }

    private static int byteAt(ByteBuf buf, long p, long end) {
        if (p >= end) {
            throw FrameException.malformedTable("entry runs past the end of its table");
        }
        return buf.getUnsignedByte((int) p);
    }

    /** A 4-byte length at {@code p} whose value must also fit before {@code end}. */
    private static long lengthAt(ByteBuf buf, long p, long end) {
        if (p + 4 > end) {
            throw FrameException.malformedTable("entry runs past the end of its table");
        }
        long n = buf.getUnsignedInt((int) p);
        if (p + 4 + n > end) {
            throw FrameException.malformedTable("nested value of " + n + " bytes runs past its table");
        }
        return n;
    }

    private static List<Object> readArrayValues(ByteBuf in, int length, int depth) {
        if (length == 0) {
            return List.of();
        }
        checkDepth(depth);
        int end = in.readerIndex() + length;
        List<Object> values = new ArrayList<>();
        while (in.readerIndex() < end) {
            values.add(readValue(in, end, depth));
        }
        return values;
    }

    private static Object readValue(ByteBuf in, int end, int depth) {
        need(in, end, 1);
        int type = in.readUnsignedByte();
        return switch (type) {
            case 'S' -> LongString.of(readBytes(in, end));
            case 'I' -> Integer.valueOf(need(in, end, 4).readInt());
            case 'i' -> Long.valueOf(need(in, end, 4).readUnsignedInt());
            case 'l', 'L' -> Long.valueOf(need(in, end, 8).readLong());
            case 's' -> Short.valueOf(need(in, end, 2).readShort());
            case 'u' -> Integer.valueOf(need(in, end, 2).readUnsignedShort());
            case 'b' -> Byte.valueOf(need(in, end, 1).readByte());
            case 'B' -> Integer.valueOf(need(in, end, 1).readUnsignedByte());
            case 't' -> need(in, end, 1).readByte() != 0;
            case 'f' -> Float.valueOf(need(in, end, 4).readFloat());
            case 'd' -> Double.valueOf(need(in, end, 8).readDouble());
            case 'D' -> {
                int scale = need(in, end, 5).readUnsignedByte();
                yield BigDecimal.valueOf(in.readInt(), scale);
            }
            case 'T' -> new Date(need(in, end, 8).readLong() * 1000L);
            case 'F' -> readEntries(in, nestedLength(in, end), depth + 1);
            case 'A' -> readArrayValues(in, nestedLength(in, end), depth + 1);
            case 'x' -> readBytes(in, end);
            case 'V' -> null;
            default -> throw FrameException.malformedTable(
                    "unknown field type " + (type >= 0x20 && type < 0x7F ? "'" + (char) type + "'" : type));
        };
    }

    private static void writeTable(ByteBuf out, Map<?, ?> table, int depth) {
        int lengthIndex = out.writerIndex();
        out.writeInt(0);
        if (table != null) {
            for (Map.Entry<?, ?> e : table.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("field table key is not a String: " + e.getKey());
                }
                Wire.writeShortstr(out, key);
                writeValue(out, e.getValue(), depth + 1);
            }
        }
        out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
    }

    private static void writeValue(ByteBuf out, Object value, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("field table nested deeper than " + MAX_DEPTH);
        }
        switch (value) {
            case null -> out.writeByte('V');
            case String s -> {
                out.writeByte('S');
                Wire.writeLongstr(out, s);
            }
            case LongString s -> {
                out.writeByte('S');
                Wire.writeLongstr(out, s);
            }
            case Integer i -> out.writeByte('I').writeInt(i);
            case Long l -> out.writeByte('l').writeLong(l);
            case Boolean b -> out.writeByte('t').writeByte(b ? 1 : 0);
            case Byte b -> out.writeByte('b').writeByte(b);
            case Short s -> out.writeByte('s').writeShort(s);
            case Float f -> out.writeByte('f').writeFloat(f);
            case Double d -> out.writeByte('d').writeDouble(d);
            case BigDecimal d -> {
                out.writeByte('D');
                out.writeByte(decimalScale(d));
                out.writeInt(decimalUnscaled(d));
            }
            case Date d -> out.writeByte('T').writeLong(d.getTime() / 1000L);
            case Map<?, ?> m -> {
                out.writeByte('F');
                writeTable(out, m, depth);
            }
            case List<?> list -> {
                out.writeByte('A');
                int lengthIndex = out.writerIndex();
                out.writeInt(0);
                for (Object v : list) {
                    writeValue(out, v, depth + 1);
                }
                out.setInt(lengthIndex, out.writerIndex() - lengthIndex - 4);
            }
            case Object[] array -> writeValue(out, Arrays.asList(array), depth);
            case byte[] bytes -> {
                out.writeByte('x');
                out.writeInt(bytes.length);
                out.writeBytes(bytes);
            }
            default -> throw new IllegalArgumentException(
                    "no AMQP field type for " + value.getClass().getName() + ": " + value);
        }
    }

    private static int valueSize(Object value) {
        return switch (value) {
            case null -> 1;
            case String s -> 5 + ByteBufUtil.utf8Bytes(s);
            case LongString s -> 5 + s.length();
            case Integer i -> 5;
            case Long l -> 9;
            case Boolean b -> 2;
            case Byte b -> 2;
            case Short s -> 3;
            case Float f -> 5;
            case Double d -> 9;
            case BigDecimal d -> 6;
            case Date d -> 9;
            case Map<?, ?> m -> {
                int size = 5;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    size += 1 + ByteBufUtil.utf8Bytes(String.valueOf(e.getKey())) + valueSize(e.getValue());
                }
                yield size;
            }
            case List<?> list -> {
                int size = 5;
                for (Object v : list) {
                    size += valueSize(v);
                }
                yield size;
            }
            case Object[] array -> valueSize(Arrays.asList(array));
            case byte[] bytes -> 5 + bytes.length;
            default -> throw new IllegalArgumentException(
                    "no AMQP field type for " + value.getClass().getName());
        };
    }

    /** The Java client refuses decimals that do not fit the wire form; so does Warren. */
    private static int decimalScale(BigDecimal d) {
        if (d.scale() < 0 || d.scale() > 255) {
            throw new IllegalArgumentException("decimal scale out of range 0..255: " + d);
        }
        return d.scale();
    }

    private static int decimalUnscaled(BigDecimal d) {
        BigInteger unscaled = d.unscaledValue();
        if (unscaled.bitLength() > 31) {
            throw new IllegalArgumentException("decimal unscaled value does not fit 32 bits: " + d);
        }
        return unscaled.intValue();
    }

    private static int readLength(ByteBuf in) {
        if (in.readableBytes() < 4) {
            throw FrameException.malformedTable("length truncated");
        }
        long length = in.readUnsignedInt();
        if (length > in.readableBytes()) {
            throw FrameException.malformedTable("length " + length + " runs past " + in.readableBytes() + " bytes");
        }
        return (int) length;
    }

    private static int nestedLength(ByteBuf in, int end) {
        long length = need(in, end, 4).readUnsignedInt();
        if (length > end - in.readerIndex()) {
            throw FrameException.malformedTable("nested value of " + length + " bytes runs past its table");
        }
        return (int) length;
    }

    private static byte[] readBytes(ByteBuf in, int end) {
        int length = nestedLength(in, end);
        byte[] bytes = new byte[length];
        in.readBytes(bytes);
        return bytes;
    }

    private static ByteBuf need(ByteBuf in, int end, int bytes) {
        if (bytes > end - in.readerIndex()) {
            throw FrameException.malformedTable("entry runs past the end of its table");
        }
        return in;
    }

    private static void checkDepth(int depth) {
        if (depth > MAX_DEPTH) {
            throw FrameException.malformedTable("nested deeper than " + MAX_DEPTH);
        }
    }
}
