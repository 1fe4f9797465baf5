package io.warren.codec.method;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.MethodArgumentReader;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.warren.codec.ClientInterop;
import io.warren.codec.Frames;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every generated method against the official RabbitMQ Java client: for random arguments
 * (every field type, tables with every value type) both write the same bytes, and each
 * decodes what the other wrote.
 */
class MethodWireCompatibilityTest {

    private static final int CHANNEL = 7;
    private static final Map<String, String> CLIENT_GETTERS = Map.of(
            "noWait", "getNowait", "failingClassId", "getClassId", "failingMethodId", "getMethodId");

    static Stream<Class<?>> methods() {
        return Arrays.stream(Method.class.getPermittedSubclasses());
    }

    @ParameterizedTest
    @MethodSource("methods")
    void writesAndReadsTheSameBytesAsTheJavaClient(Class<?> type) throws Exception {
        for (int seed = 0; seed < 25; seed++) {
            Random random = new Random(seed * 7919L + type.getSimpleName().hashCode());
            Method ours = randomMethod(type, random);
            com.rabbitmq.client.impl.Method theirs = clientMethod(ours);

            byte[] clientBytes = ClientInterop.bytes(theirs.toFrame(CHANNEL));
            ByteBuf out = Unpooled.buffer();
            Frames.writeMethod(out, CHANNEL, inClientOrder(ours, theirs));
            byte[] ourBytes = ClientInterop.drain(out);
            assertThat(ourBytes).as("%s encoded", ours.protocolName()).isEqualTo(clientBytes);

            Method decoded = MethodDecoder.decode(Unpooled.wrappedBuffer(clientBytes, 7, clientBytes.length - 8));
            assertThat(components(decoded)).as("%s decoded", ours.protocolName()).isEqualTo(components(ours));

            com.rabbitmq.client.impl.Method read =
                    AMQImpl.readMethodFrom(ClientInterop.readFrame(ourBytes).getInputStream());
            assertThat(clientValues(read, ours)).as("%s read by the client", ours.protocolName())
                    .isEqualTo(components(ours));
        }
    }

    @ParameterizedTest
    @MethodSource("methods")
    void knowsTheSpecTraitsTheClientKnows(Class<?> type) throws Exception {
        Method ours = randomMethod(type, new Random(1));
        com.rabbitmq.client.impl.Method theirs = clientMethod(ours);
        assertThat(ours.classId()).isEqualTo(theirs.protocolClassId());
        assertThat(ours.methodId()).isEqualTo(theirs.protocolMethodId());
        assertThat(ours.hasContent()).isEqualTo(theirs.hasContent());
        assertThat(ours.protocolName()).isEqualTo(theirs.protocolMethodName());
        assertThat(type.getField("CLASS_ID").getInt(null)).isEqualTo(ours.classId());
        assertThat(type.getField("METHOD_ID").getInt(null)).isEqualTo(ours.methodId());
    }

    /** Random values matching each component's AMQP domain, which the layout string gives. */
    static Method randomMethod(Class<?> type, Random r) throws Exception {
        String layout = (String) type.getDeclaredField("LAYOUT").get(null);
        RecordComponent[] components = type.getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        int code = 0;
        int bitsInGroup = 0;
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            if (types[i] == boolean.class) {
                if (bitsInGroup == 0 || bitsInGroup == 8) {
                    code++;
                    bitsInGroup = 0;
                }
                bitsInGroup++;
                args[i] = r.nextBoolean();
                continue;
            }
            bitsInGroup = 0;
            args[i] = switch (layout.charAt(code++)) {
                case 'o' -> r.nextInt(256);
                case 's' -> r.nextInt(65536);
                case 'l' -> r.nextInt();
                case 'q' -> r.nextLong();
                case 'S' -> ClientInterop.shortstr(r);
                case 'L' -> ClientInterop.longstr(r);
                case 'T' -> ClientInterop.table(r, 2);
                default -> throw new AssertionError(layout);
            };
        }
        assertThat(code).as("layout of %s", type).isEqualTo(layout.length());
        return (Method) type.getDeclaredConstructor(types).newInstance(args);
    }

    /**
     * The client copies table arguments into a HashMap, so it writes entries in hash order;
     * Warren writes them in the map's order. Same tables, same order: same bytes.
     */
    @SuppressWarnings("unchecked")
    private static Method inClientOrder(Method ours, com.rabbitmq.client.impl.Method theirs) throws Exception {
        RecordComponent[] components = ours.getClass().getRecordComponents();
        Object[] args = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            args[i] = components[i].getAccessor().invoke(ours);
            if (args[i] instanceof Map<?, ?> table) {
                Map<String, Object> clientTable = (Map<String, Object>) theirs.getClass()
                        .getMethod("get" + Character.toUpperCase(components[i].getName().charAt(0))
                                + components[i].getName().substring(1)).invoke(theirs);
                Map<String, Object> reordered = new java.util.LinkedHashMap<>();
                clientTable.keySet().forEach(k -> reordered.put(k, table.get(k)));
                args[i] = reordered;
            }
        }
        return (Method) ours.getClass().getDeclaredConstructor(types).newInstance(args);
    }

    static com.rabbitmq.client.impl.Method clientMethod(Method ours) throws Exception {
        String[] name = ours.protocolName().split("\\.");
        Class<?> type = Class.forName("com.rabbitmq.client.impl.AMQImpl$" + camel(name[0]) + "$" + camel(name[1]));
        Object[] values = components(ours, false).toArray();
        for (Constructor<?> c : type.getConstructors()) {
            if (c.getParameterCount() == values.length
                    && (values.length == 0 || c.getParameterTypes()[0] != MethodArgumentReader.class)) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = ClientInterop.toClient(values[i]);
                }
                return (com.rabbitmq.client.impl.Method) c.newInstance(values);
            }
        }
        throw new AssertionError("no client constructor for " + ours.protocolName());
    }

    static List<Object> components(Method m) throws Exception {
        return components(m, true);
    }

    private static List<Object> components(Method m, boolean normalized) throws Exception {
        List<Object> values = new ArrayList<>();
        for (RecordComponent c : m.getClass().getRecordComponents()) {
            Object v = c.getAccessor().invoke(m);
            values.add(normalized ? ClientInterop.normalize(v) : v);
        }
        return values;
    }

    private static List<Object> clientValues(com.rabbitmq.client.impl.Method theirs, Method ours) throws Exception {
        List<Object> values = new ArrayList<>();
        for (RecordComponent c : ours.getClass().getRecordComponents()) {
            String getter = CLIENT_GETTERS.getOrDefault(c.getName(),
                    "get" + Character.toUpperCase(c.getName().charAt(0)) + c.getName().substring(1));
            values.add(ClientInterop.normalize(theirs.getClass().getMethod(getter).invoke(theirs)));
        }
        return values;
    }

    private static String camel(String dashed) {
        StringBuilder s = new StringBuilder();
        for (String part : dashed.split("-")) {
            s.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return s.toString();
    }
}
