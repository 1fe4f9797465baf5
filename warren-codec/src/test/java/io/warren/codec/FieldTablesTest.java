package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.impl.ValueReader;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Field tables against the RabbitMQ Java client's ValueWriter and ValueReader. */
class FieldTablesTest {

    private static Map<String, Object> everyType() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("inner", "text");
        nested.put("deeper", Map.of("n", 1));
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("string", "héllo ✓");
        t.put("longstr", LongString.of(new byte[] {0, (byte) 0xFF, 1}));
        t.put("int", -5);
        t.put("long", Long.MIN_VALUE);
        t.put("bool", true);
        t.put("byte", (byte) -7);
        t.put("short", (short) -300);
        t.put("float", 1.5f);
        t.put("double", -2.25e100);
        t.put("decimal", new BigDecimal("-123.4567"));
        t.put("timestamp", new Date(1_700_000_000_000L));
        t.put("table", nested);
        t.put("array", List.of(1, "two", List.of(3L), Map.of("four", 4), new Date(0)));
        t.put("bytes", new byte[] {1, 2, 3});
        t.put("void", null);
        t.put("empty table", Map.of());
        t.put("empty array", List.of());
        t.put("", "empty key");
        return t;
    }

    @Test
    void writesEveryTypeByteForByteAsTheJavaClient() throws IOException {
        Map<String, Object> table = everyType();
        assertThat(ours(table)).isEqualTo(clients(table));
    }

    @Test
    void readsWhatTheJavaClientWritesAsTheJavaClientReadsIt() throws IOException {
        Map<String, Object> table = everyType();
        byte[] wire = clients(table);
        Map<String, Object> read = FieldTables.read(Unpooled.wrappedBuffer(wire));
        assertThat(ClientInterop.normalize(read)).isEqualTo(ClientInterop.normalize(clientRead(wire)));
        assertThat(ClientInterop.normalize(read)).isEqualTo(ClientInterop.normalize(table));
        assertThat(read.get("int")).isInstanceOf(Integer.class);
        assertThat(read.get("long")).isInstanceOf(Long.class);
        assertThat(read.get("byte")).isInstanceOf(Byte.class);
        assertThat(read.get("short")).isInstanceOf(Short.class);
        assertThat(read.get("decimal")).isEqualTo(new BigDecimal("-123.4567"));
        assertThat(read.get("timestamp")).isEqualTo(new Date(1_700_000_000_000L));
        assertThat(read.get("string")).isEqualTo(LongString.of("héllo ✓"));
        assertThat(read).containsEntry("void", null);
        assertThat(read.keySet()).containsExactlyElementsOf(table.keySet());
    }

    @Test
    void randomTablesSurviveBothDirections() throws IOException {
        for (int seed = 0; seed < 200; seed++) {
            Map<String, Object> table = ClientInterop.table(new Random(seed), 3);
            byte[] wire = ours(table);
            assertThat(wire).isEqualTo(clients(table));
            assertThat(ClientInterop.normalize(clientRead(wire))).isEqualTo(ClientInterop.normalize(table));
            assertThat(ClientInterop.normalize(FieldTables.read(Unpooled.wrappedBuffer(wire))))
                    .isEqualTo(ClientInterop.normalize(table));
            assertThat(FieldTables.encodedSize(table)).isEqualTo(wire.length);
        }
    }

    @Test
    void readsTheTypesOnlyOtherClientsSendAsTheJavaClientDoes() {
        ByteBuf in = table(
                entry("B", 'B', 0xF0),
                entry("u", 'u', 0xFF, 0xFE),
                entry("i", 'i', 0xFF, 0xFF, 0xFF, 0xFF),
                entry("L", 'L', 0, 0, 0, 0, 0, 0, 1, 0),
                entry("t2", 't', 2));
        Map<String, Object> read = FieldTables.read(in);
        assertThat(read).containsEntry("B", 240).containsEntry("u", 65534)
                .containsEntry("i", 4294967295L).containsEntry("L", 256L).containsEntry("t2", true);
    }

    @Test
    void keepsTheFirstOfRepeatedKeysAsRabbitMqLooksThemUp() {
        Map<String, Object> read = FieldTables.read(table(entry("k", 'b', 1), entry("k", 'b', 2)));
        assertThat(read).containsExactly(Map.entry("k", (byte) 1));
    }

    @Test
    void writesArraysOfAnyListOrObjectArray() throws IOException {
        ByteBuf out = Unpooled.buffer();
        FieldTables.writeArray(out, List.of(1, "a", new Object[] {true}));
        List<Object> back = FieldTables.readArray(out);
        assertThat(ClientInterop.normalize(back)).isEqualTo(ClientInterop.normalize(List.of(1, "a", List.of(true))));
        out.release();
    }

    @Test
    void refusesValuesTheWireCannotCarry() {
        ByteBuf out = Unpooled.buffer();
        try {
            assertThatThrownBy(() -> FieldTables.write(out, Map.of("c", 'c')))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FieldTables.write(out, Map.of("d", new BigDecimal("1e10"))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FieldTables.write(out, Map.of("d", BigDecimal.valueOf(Long.MAX_VALUE))))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> FieldTables.write(out, Map.of("x".repeat(256), 1)))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            out.release();
        }
    }

    @Test
    void malformedTablesAreTheMethodDroppingKindRabbitMqCrashesOn() {
        assertMalformed(table(entry("x-foo", 'Z', 0)), "unknown field type 'Z'");
        assertMalformed(table(entry("x-foo", 'U', 0, 5)), "unknown field type 'U'");
        assertMalformed(table(entry("x-foo", 'S', 0, 0, 0, 50, 'a', 'b')), "runs past");
        assertMalformed(table(new int[] {5, 'x', '-', 'f', 'o', 'o'}), "runs past");
        assertMalformed(table(entry("a", 'A', 0, 0, 0, 2, 'Z', 0)), "unknown field type 'Z'");
        assertMalformed(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 9, 1}), "runs past");
        assertMalformed(Unpooled.wrappedBuffer(new byte[] {0, 0}), "length truncated");
    }

    @Test
    void refusesNestingDeeperThanTheLimitInsteadOfOverflowingTheStack() {
        ByteBuf in = Unpooled.buffer();
        int depth = FieldTables.MAX_DEPTH + 5;
        // F entries each holding the next: key "" , 'F', length
        int[] lengths = new int[depth + 1];
        for (int d = depth - 1; d >= 0; d--) {
            lengths[d] = 1 + 1 + 4 + lengths[d + 1];
        }
        in.writeInt(lengths[0]);
        for (int d = 0; d < depth; d++) {
            in.writeByte(0).writeByte('F').writeInt(lengths[d + 1]);
        }
        assertThatThrownBy(() -> FieldTables.read(in)).isInstanceOf(FrameException.class)
                .satisfies(e -> assertThat(((FrameException) e).detail()).contains("nested deeper"));
        in.release();
    }

    @Test
    void checksTablesWithoutDecodingThemAsReadWould() {
        for (int seed = 0; seed < 50; seed++) {
            byte[] wire = ours(ClientInterop.table(new Random(seed), 3));
            ByteBuf buf = Unpooled.wrappedBuffer(wire);
            FieldTables.checkEntries(buf, 4, wire.length - 4, 0);
            for (int c = 5; c < wire.length; c += 7) {
                int cut = c;
                byte[] truncated = java.util.Arrays.copyOf(wire, cut);
                ByteBuf t = Unpooled.wrappedBuffer(truncated);
                boolean readFails = fails(() -> FieldTables.readEntries(Unpooled.wrappedBuffer(truncated, 4, cut - 4), cut - 4, 0));
                boolean checkFails = fails(() -> FieldTables.checkEntries(t, 4, cut - 4, 0));
                assertThat(checkFails).as("seed %d cut %d", seed, cut).isEqualTo(readFails);
            }
        }
    }

    private static boolean fails(Runnable r) {
        try {
            r.run();
            return false;
        } catch (FrameException e) {
            return true;
        }
    }

    private static void assertMalformed(ByteBuf in, String detail) {
        assertThatThrownBy(() -> FieldTables.read(in)).isInstanceOfSatisfying(FrameException.class, e -> {
            assertThat(e.kind()).isEqualTo(FrameException.Kind.MALFORMED_TABLE);
            assertThat(e.action()).isEqualTo(FrameException.Action.DROP);
            assertThat(e.replyCode().code()).isEqualTo(541);
            assertThat(e.getMessage()).isEqualTo("INTERNAL_ERROR");
            assertThat(e.detail()).contains(detail);
        });
    }

    private static int[] entry(String key, int type, int... value) {
        int[] e = new int[1 + key.length() + 1 + value.length];
        e[0] = key.length();
        for (int i = 0; i < key.length(); i++) {
            e[1 + i] = key.charAt(i);
        }
        e[1 + key.length()] = type;
        System.arraycopy(value, 0, e, 2 + key.length(), value.length);
        return e;
    }

    private static ByteBuf table(int[]... entries) {
        ByteBuf body = Unpooled.buffer();
        for (int[] e : entries) {
            for (int b : e) {
                body.writeByte(b);
            }
        }
        ByteBuf t = Unpooled.buffer();
        t.writeInt(body.readableBytes()).writeBytes(body);
        body.release();
        return t;
    }

    static byte[] ours(Map<String, Object> table) {
        ByteBuf out = Unpooled.buffer();
        FieldTables.write(out, table);
        return ClientInterop.drain(out);
    }

    @SuppressWarnings("unchecked")
    static byte[] clients(Map<String, Object> table) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ValueWriter writer = new ValueWriter(new DataOutputStream(bytes));
        writer.writeTable((Map<String, Object>) ClientInterop.toClient(table));
        writer.flush();
        return bytes.toByteArray();
    }

    static Map<String, Object> clientRead(byte[] wire) throws IOException {
        return new ValueReader(new DataInputStream(new ByteArrayInputStream(wire))).readTable();
    }

}
