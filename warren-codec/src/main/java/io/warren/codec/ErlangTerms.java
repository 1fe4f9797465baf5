package io.warren.codec;

import io.netty.buffer.ByteBuf;

/**
 * Writes the few Erlang terms RabbitMQ puts in its frame-error texts, laid out exactly as
 * Erlang/OTP's {@code io_lib:format} prints them, so Warren's reply texts match byte for byte.
 *
 * <p>RabbitMQ builds them as {@code "type ~p, ~s octets = ~p: ~p"}. {@code ~p} pretty-prints
 * with a line length of 80 starting at the current column, which is why a 16-byte snippet of
 * large octets, or a tuple that starts far right, is broken over lines:
 * <pre>
 * type 1, first 16 octets = &lt;&lt;200,128,129,130,131,132,133,134,135,136,137,138,
 *                             139,140,141,142&gt;&gt;: {invalid_frame_end_marker,0}
 * </pre>
 * Only the shapes RabbitMQ uses are supported: integers and atoms (never broken), binaries
 * (as a latin-1 string when every byte is printable, else as numbers filled up to the line
 * length) and tuples of an atom tag and integers. The line-breaking rules follow OTP 25's
 * {@code io_lib_pretty} as observed against {@code erl} (see ErlangTermsTest).
 *
 * <p>Printable bytes 0xA0..0xFF appear as the characters U+00A0..U+00FF; RabbitMQ sends them
 * as the raw byte, Warren as their UTF-8 encoding (two bytes): the text reads the same.
 */
final class ErlangTerms {

    private static final int LINE_LENGTH = 80;
    /** Texts longer than this are cut by ReplyCode.fitShortstr anyway: stop writing there. */
    private static final int ENOUGH = 300;

    private final StringBuilder out = new StringBuilder(96);

    /** Appends text as {@code ~s} does. */
    ErlangTerms text(String s) {
        out.append(s);
        return this;
    }

    /** Appends an integer or atom as {@code ~p} does (never broken over lines). */
    ErlangTerms atom(Object atomOrInteger) {
        out.append(atomOrInteger);
        return this;
    }

    /**
     * Appends {@code length} bytes of {@code buf} from {@code index} as {@code ~w} writes a
     * binary: {@code <<1,2,3>>}, always numbers, never broken; stops once the text is long
     * enough to be cut to a shortstr.
     */
    ErlangTerms writeBinary(ByteBuf buf, int index, int length) {
        out.append("<<");
        for (int i = 0; i < length && out.length() < ENOUGH; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(buf.getUnsignedByte(index + i));
        }
        out.append(">>");
        return this;
    }

    /** Appends {@code length} bytes of {@code buf} from {@code index} as {@code ~p} prints a binary. */
    ErlangTerms printBinary(ByteBuf buf, int index, int length) {
        if (length == 0) {
            out.append("<<>>");
        } else if (printableLatin1(buf, index, length)) {
            out.append("<<\"");
            for (int i = 0; i < length; i++) {
                appendEscaped((char) buf.getUnsignedByte(index + i));
            }
            out.append("\">>");
        } else {
            printNumericBinary(buf, index, length);
        }
        return this;
    }

    /** Appends {@code {tag,v1,v2...}} as {@code ~p} prints a tagged tuple of integers. */
    ErlangTerms printTaggedTuple(String tag, long... values) {
        String[] elements = new String[values.length];
        int length = 2 + tag.length();
        for (int i = 0; i < values.length; i++) {
            elements[i] = Long.toString(values[i]);
            length += 1 + elements[i].length();
        }
        int col = column();
        if (length < LINE_LENGTH - col) {
            out.append('{').append(tag);
            for (String e : elements) {
                out.append(',').append(e);
            }
            out.append('}');
            return this;
        }
        // io_lib_pretty: try indenting the elements after the tag (-1), then by 4, else by 1.
        int tagIndent = tag.length() + 2;
        int tagColumn = col + tagIndent;
        int indentBy;
        if (tagColumn < LINE_LENGTH / 2) {
            indentBy = -1;
        } else if (tagIndent > 4 ? col + 4 <= LINE_LENGTH / 2 : tagColumn < LINE_LENGTH / 2) {
            indentBy = 4;
        } else {
            indentBy = 1;
        }
        out.append('{').append(tag);
        int width = 1 + tag.length();
        if (indentBy > 0 && tagIndent > indentBy) {
            tail(elements, 0, col + indentBy, tagColumn, width, length, spaces(col - 1 + indentBy));
        } else {
            out.append(',');
            width++;
            String first = elements[0];
            int lastDepth = elements.length > 1 ? 0 : 1;
            out.append(first);
            int firstWidth = first.length() < LINE_LENGTH - tagColumn - lastDepth
                    && first.length() + width + lastDepth <= length ? first.length() : LINE_LENGTH;
            tail(elements, 1, tagColumn, tagColumn + firstWidth, width + firstWidth, length,
                    spaces(col - 1 + tagIndent));
        }
        out.append('}');
        return this;
    }

    private void tail(String[] elements, int from, int startColumn, int column, int width,
            int maxChars, String indent) {
        int col = column;
        int w = width;
        for (int i = from; i < elements.length; i++) {
            String e = elements[i];
            boolean last = i == elements.length - 1;
            int elementLength = 1 + e.length();
            boolean fits = last
                    ? elementLength < LINE_LENGTH - col - 1 && w + elementLength + 1 <= maxChars
                    : elementLength + 1 < LINE_LENGTH - col && w + elementLength + 1 <= maxChars;
            if (fits) {
                out.append(',').append(e);
                col += elementLength;
                w += elementLength;
            } else {
                out.append(",\n").append(indent).append(e);
                int lastDepth = last ? 1 : 0;
                int ew = e.length() < LINE_LENGTH - startColumn - lastDepth
                        && e.length() + lastDepth <= maxChars ? e.length() : LINE_LENGTH;
                col = startColumn + ew;
                w = ew;
            }
        }
    }

    private void printNumericBinary(ByteBuf buf, int index, int length) {
        String[] items = new String[length];
        int total = 4 + length - 1;
        for (int i = 0; i < length; i++) {
            items[i] = Integer.toString(buf.getUnsignedByte(index + i));
            total += items[i].length();
        }
        int col = column();
        if (total < LINE_LENGTH - col) {
            out.append("<<").append(String.join(",", items)).append(">>");
            return;
        }
        // Fill lines up to the room left after the opening "<<"; continuation lines start
        // under the first number.
        int room = Math.max(8, Math.min(LINE_LENGTH - (col + 2), total - 4));
        String indent = spaces(col + 1);
        out.append("<<");
        int left = room;
        for (int i = 0; i < length - 1; i++) {
            int itemLength = items[i].length() + 1;
            if (left - itemLength < 0) {
                out.append('\n').append(indent);
                left = room - itemLength;
            } else {
                left -= itemLength;
            }
            out.append(items[i]).append(',');
        }
        String last = items[length - 1];
        if (last.length() > left) {
            out.append('\n').append(indent);
        }
        out.append(last).append(">>");
    }

    private void appendEscaped(char c) {
        switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0B -> out.append("\\v");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case 0x1B -> out.append("\\e");
            default -> out.append(c);
        }
    }

    private static boolean printableLatin1(ByteBuf buf, int index, int length) {
        for (int i = 0; i < length; i++) {
            int b = buf.getUnsignedByte(index + i);
            boolean printable = b >= 0x20 && b <= 0x7E || b >= 0xA0
                    || b >= 0x08 && b <= 0x0D || b == 0x1B;
            if (!printable) {
                return false;
            }
        }
        return true;
    }

    /** The 1-based column the next character goes to, as io_lib_format counts it. */
    private int column() {
        int lineStart = out.lastIndexOf("\n") + 1;
        return out.length() - lineStart + 1;
    }

    private static String spaces(int n) {
        return " ".repeat(Math.max(0, n));
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
