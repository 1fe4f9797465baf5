package io.warren.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Readers and writers for AMQP's string domains as method arguments use them. Public only
 * because the generated classes in {@code io.warren.codec.method} call them.
 *
 * <p>Readers throw {@link IndexOutOfBoundsException} when a length runs past the readable
 * bytes: {@code MethodDecoder} turns that into RabbitMQ's "cannot decode" error, so callers
 * must bound the buffer to the method payload.
 */
public final class Wire {

    private static final int SHORTSTR_MAX = 255;

    private Wire() {
    }

    /**
     * A shortstr decoded as UTF-8 without checking it (see {@link #decodeShortstr} for what
     * malformed bytes become).
     */
    public static String readShortstr(ByteBuf in) {
        int length = in.readUnsignedByte();
        if (length == 0) {
            return "";
        }
        checkReadable(in, length);
        String s = decodeShortstr(in, in.readerIndex(), length);
        in.skipBytes(length);
        return s;
    }

    /**
     * Decodes unchecked shortstr bytes (a field-table key, a property, a publish's routing key)
     * so that the string always fits a shortstr again: the broker writes these back in
     * deliveries, returns and dead-lettered headers. A malformed byte decodes to U+FFFD, which
     * takes three bytes when written, so more than 85 malformed bytes would no longer fit 255;
     * such a string is decoded with '?' for each malformed sequence instead, which never grows.
     * (RabbitMQ keeps the bytes as they are; Warren's strings cannot hold malformed UTF-8.)
     */
    static String decodeShortstr(ByteBuf in, int index, int length) {
        String s = in.toString(index, length, StandardCharsets.UTF_8);
        if (length <= SHORTSTR_MAX / 3 || ByteBufUtil.utf8Bytes(s) <= length) {
            return s;
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE)
                .replaceWith("?");
        try {
            return decoder.decode(in.nioBuffer(index, length)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder does not throw", e);
        }
    }

    /** A shortstr that must be UTF-8, as RabbitMQ requires outside content-carrying methods. */
    public static String readCheckedShortstr(ByteBuf in) {
        int length = in.readUnsignedByte();
        if (length == 0) {
            return "";
        }
        checkReadable(in, length);
        if (!ByteBufUtil.isText(in, in.readerIndex(), length, StandardCharsets.UTF_8)) {
            in.skipBytes(length);
            throw FrameException.malformedUtf8();
        }
        String s = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return s;
    }

    /** A longstr: 4-byte unsigned length, then that many bytes. */
    public static LongString readLongstr(ByteBuf in) {
        long length = in.readUnsignedInt();
        if (length == 0) {
            return LongString.EMPTY;
        }
        checkReadable(in, length);
        byte[] bytes = new byte[(int) length];
        in.readBytes(bytes);
        return LongString.of(bytes);
    }

    /**
     * A field-table argument. A length running past the payload is a truncated method
     * ({@link IndexOutOfBoundsException}); malformed entries within it are
     * {@link FrameException.Kind#MALFORMED_TABLE}.
     */
    public static Map<String, Object> readArgumentTable(ByteBuf in) {
        long length = in.readUnsignedInt();
        checkReadable(in, length);
        return FieldTables.readEntries(in, (int) length, 0);
    }

    /**
     * Writes {@code s} as a shortstr (null as empty). Throws IllegalArgumentException over 255
     * UTF-8 bytes, as RabbitMQ refuses to encode one.
     */
    public static void writeShortstr(ByteBuf out, String s) {
        if (s == null || s.isEmpty()) {
            out.writeByte(0);
            return;
        }
        int length = ByteBufUtil.utf8Bytes(s);
        if (length > SHORTSTR_MAX) {
            throw new IllegalArgumentException("shortstr of " + length + " bytes (max 255): "
                    + s.substring(0, Math.min(40, s.length())) + "...");
        }
        out.writeByte(length);
        ByteBufUtil.reserveAndWriteUtf8(out, s, length);
    }

    /**
     * {@code s} encoded as a shortstr, length octet first, for callers that write the same
     * string many times ({@link DeliverTemplate}). Over 255 UTF-8 bytes: as {@link #writeShortstr}.
     */
    public static byte[] shortstr(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > SHORTSTR_MAX) {
            throw new IllegalArgumentException("shortstr of " + utf8.length + " bytes (max 255): "
                    + s.substring(0, Math.min(40, s.length())) + "...");
        }
        byte[] encoded = new byte[1 + utf8.length];
        encoded[0] = (byte) utf8.length;
        System.arraycopy(utf8, 0, encoded, 1, utf8.length);
        return encoded;
    }

    /** Writes {@code s} as a longstr (null as empty). */
    public static void writeLongstr(ByteBuf out, LongString s) {
        if (s == null) {
            out.writeInt(0);
            return;
        }
        out.writeInt(s.length());
        out.writeBytes(s.bytes());
    }

    /** Writes {@code s} as a longstr in UTF-8. */
    public static void writeLongstr(ByteBuf out, String s) {
        int length = ByteBufUtil.utf8Bytes(s);
        out.writeInt(length);
        ByteBufUtil.reserveAndWriteUtf8(out, s, length);
    }

    /**
     * True when {@code length} bytes at {@code index} are exactly an argument list of
     * {@code layout}, one code per argument or bit group: o octet, s short, l long,
     * q longlong/timestamp, S shortstr, L longstr, T table. Only lengths are checked, which is
     * what RabbitMQ's binary match checks before it looks at any value.
     */
    public static boolean fitsLayout(String layout, ByteBuf buf, int index, int length) {
        long p = index;
        long end = (long) index + length;
        for (int i = 0; i < layout.length(); i++) {
            switch (layout.charAt(i)) {
                case 'o' -> p += 1;
                case 's' -> p += 2;
                case 'l' -> p += 4;
                case 'q' -> p += 8;
                case 'S' -> p = p + 1 > end ? end + 1 : p + 1 + buf.getUnsignedByte((int) p);
                case 'L', 'T' -> p = p + 4 > end ? end + 1 : p + 4 + buf.getUnsignedInt((int) p);
                default -> throw new IllegalArgumentException("layout code " + layout.charAt(i));
            }
            if (p > end) {
                return false;
            }
        }
        return p == end;
    }

    private static void checkReadable(ByteBuf in, long length) {
        if (length > in.readableBytes()) {
            throw new IndexOutOfBoundsException("need " + length + " bytes, have " + in.readableBytes());
        }
    }
}
