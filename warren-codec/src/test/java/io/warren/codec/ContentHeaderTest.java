package io.warren.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.impl.AMQImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Content headers and basic properties against the RabbitMQ Java client. */
class ContentHeaderTest {

    private static BasicProperties all() {
        return new BasicProperties("text/plain", "gzip", Map.of("x-match", "all", "n", 5, "list", List.of(1L)),
                2, 9, "corr", "amq.rabbitmq.reply-to", "60000", "msg-1", new Date(1_600_000_000_000L),
                "kind", "guest", "app", "cluster");
    }

    private static AMQP.BasicProperties client(BasicProperties p) {
        @SuppressWarnings("unchecked")
        Map<String, Object> headers = (Map<String, Object>) ClientInterop.toClient(p.headers());
        return new AMQP.BasicProperties(p.contentType(), p.contentEncoding(), headers, p.deliveryMode(),
                p.priority(), p.correlationId(), p.replyTo(), p.expiration(), p.messageId(), p.timestamp(),
                p.type(), p.userId(), p.appId(), p.clusterId());
    }

    private static BasicProperties random(Random r) {
        return new BasicProperties(
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.table(r, 1) : null,
                r.nextBoolean() ? r.nextInt(256) : null,
                r.nextBoolean() ? r.nextInt(256) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? new Date(r.nextInt(Integer.MAX_VALUE) * 1000L) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null,
                r.nextBoolean() ? ClientInterop.shortstr(r) : null);
    }

    @Test
    void writesHeaderFramesByteForByteAsTheJavaClient() throws IOException {
        for (int seed = 0; seed < 200; seed++) {
            BasicProperties p = random(new Random(seed));
            if (p.headers() != null && p.headers().size() > 1) {
                continue; // the client copies headers into a HashMap: another entry order
            }
            ByteBuf out = Unpooled.buffer();
            Frames.writeContentHeader(out, 3, 60, 1234567L, p.encode());
            assertThat(ClientInterop.drain(out)).isEqualTo(ClientInterop.bytes(client(p).toFrame(3, 1234567L)));
            assertThat(p.encodedSize()).isEqualTo(p.encode().length);
        }
    }

    @Test
    void decodesWhatTheJavaClientWrites() throws IOException {
        for (int seed = 0; seed < 200; seed++) {
            BasicProperties p = seed == 0 ? all() : random(new Random(seed));
            byte[] frame = ClientInterop.bytes(client(p).toFrame(3, 42L));
            ContentHeader header = ContentHeader.decode(Unpooled.wrappedBuffer(frame, 7, frame.length - 8));
            assertThat(header.classId()).isEqualTo(60);
            assertThat(header.weight()).isZero();
            assertThat(header.bodySize()).isEqualTo(42L);
            header.checkProperties();
            assertThat(header.deliveryMode()).isEqualTo(p.deliveryMode() == null ? 0 : p.deliveryMode());
            assertThat(header.priority()).isEqualTo(p.priority() == null ? -1 : p.priority());
            assertThat(normalized(header.properties())).isEqualTo(normalized(p));
            assertThat(header.properties()).isSameAs(header.properties());
        }
    }

    @Test
    void theJavaClientReadsWhatWarrenWrites() throws IOException {
        for (int seed = 0; seed < 200; seed++) {
            BasicProperties p = seed == 0 ? all() : random(new Random(seed));
            ByteBuf out = Unpooled.buffer();
            ContentHeader.of(60, 99L, p).writeFrame(out, 5);
            byte[] bytes = ClientInterop.drain(out);
            AMQP.BasicProperties read = (AMQP.BasicProperties) AMQImpl.readContentHeaderFrom(
                    ClientInterop.readFrame(bytes).getInputStream());
            assertThat(read.getBodySize()).isEqualTo(99L);
            assertThat(normalized(fromClient(read))).isEqualTo(normalized(p));
        }
    }

    @Test
    void keepsThePropertyBytesExactlyAsReceived() {
        byte[] raw = all().encode();
        ByteBuf payload = Unpooled.buffer().writeShort(60).writeShort(0).writeLong(7).writeBytes(raw);
        ContentHeader header = ContentHeader.decode(payload);
        assertThat(header.rawProperties()).isEqualTo(raw);
        assertThat(payload.isReadable()).isFalse();
        ByteBuf out = Unpooled.buffer();
        header.writeFrame(out, 1);
        assertThat((int) out.readUnsignedByte()).isEqualTo(2);
        assertThat(out.readUnsignedShort()).isEqualTo(1);
        assertThat(out.readInt()).isEqualTo(12 + raw.length);
        out.release();
        payload.release();
    }

    @Test
    void emptyPropertiesAreTwoZeroFlagBytes() {
        assertThat(BasicProperties.EMPTY.encode()).containsExactly(0, 0);
        ContentHeader header = ContentHeader.of(60, 0, new byte[] {0, 0});
        assertThat(header.deliveryMode()).isZero();
        assertThat(header.priority()).isEqualTo(-1);
        assertThat(header.properties()).isEqualTo(BasicProperties.EMPTY);
    }

    @Test
    void peeksPastContentTypeEncodingAndHeaders() {
        BasicProperties p = BasicProperties.EMPTY.withContentType("application/json").withContentEncoding("utf-8")
                .withHeaders(Map.of("a", "b")).withPriority(4);
        ContentHeader header = ContentHeader.of(60, 1, p.encode());
        assertThat(header.deliveryMode()).isZero();
        assertThat(header.priority()).isEqualTo(4);
        assertThat(ContentHeader.of(60, 1, p.withDeliveryMode(2).encode()).deliveryMode()).isEqualTo(2);
        assertThat(ContentHeader.of(60, 1, p.withDeliveryMode(2).encode()).priority()).isEqualTo(4);
    }

    @Test
    void copiesWithOnePropertyChanged() {
        BasicProperties p = all();
        assertThat(p.withExpiration(null).expiration()).isNull();
        assertThat(p.withExpiration(null).withExpiration("5").expiration()).isEqualTo("5");
        assertThat(p.withReplyTo("amq.rabbitmq.reply-to.g1h2AA").replyTo()).isEqualTo("amq.rabbitmq.reply-to.g1h2AA");
        assertThat(p.withHeaders(Map.of("x-death", List.of())).headers()).containsOnlyKeys("x-death");
        assertThat(p.withDeliveryMode(1).deliveryMode()).isEqualTo(1);
        assertThat(p.withUserId("u").withAppId("a").withClusterId("c").withType("t").withMessageId("m")
                .withCorrelationId("c2").withTimestamp(null).withContentType(null).withContentEncoding(null)
                .withPriority(null))
                .isEqualTo(new BasicProperties(null, null, p.headers(), 2, null, "c2", p.replyTo(), p.expiration(),
                        "m", null, "t", "u", "a", "c"));
    }

    @Test
    void headerPayloadUnder14BytesIsRabbitMqsUnknownFrame() {
        assertThatThrownBy(() -> ContentHeader.decode(Unpooled.wrappedBuffer(new byte[] {0, 60, 0, 0})))
                .isInstanceOfSatisfying(FrameException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("FRAME_ERROR - type 2, all octets = <<0,60,0,0>>: unknown_frame");
                    assertThat(e.action()).isEqualTo(FrameException.Action.CLOSE);
                });
    }

    /**
     * RabbitMQ 3.10 answers each of these, once the publish is complete, with connection.close
     * 541 "INTERNAL_ERROR" (class/method 0/0): its channel process crashes decoding them.
     */
    @Test
    void malformedPropertiesAreRabbitMqsInternalError() {
        byte[][] cases = {
            {(byte) 0x80, 0},                                     // content-type flagged, no data
            {0, 0, 1, 2},                                         // bytes after the properties
            {0x20, 0, 0, 0, 0, 3, 1, 'h', 'Z'},                   // headers with an unknown type
            {0x20, 0, 0, 0, 0, 4, 1, 'h', 'U', 0},                // 'U' is not a RabbitMQ type
            {0x20, 0, 0, 0, 0, 9},                                // headers longer than the list
            {0x00, 0x01, 0x00, 0x00},                             // continuation bit: ignored, then extra bytes
            {0x10, 0x01, 0x00, 0x00, 0x02},                       // the same with a delivery mode
            {0x40},                                               // half a flags word
        };
        for (byte[] raw : cases) {
            ContentHeader header = ContentHeader.of(60, 0, raw);
            assertThatThrownBy(header::checkProperties).as(Arrays.toString(raw))
                    .isInstanceOfSatisfying(FrameException.class, ContentHeaderTest::isInternalError);
            assertThatThrownBy(header::properties).as(Arrays.toString(raw))
                    .isInstanceOfSatisfying(FrameException.class, ContentHeaderTest::isInternalError);
        }
    }

    @Test
    void ignoresTheContinuationBitAsRabbitMqDoes() {
        ContentHeader header = ContentHeader.of(60, 0, new byte[] {0x10, 0x01, 0x02});
        header.checkProperties();
        assertThat(header.deliveryMode()).isEqualTo(2);
        assertThat(header.properties().deliveryMode()).isEqualTo(2);
    }

    @Test
    void acceptsPropertiesThatAreNotUtf8AsRabbitMqDoes() {
        ContentHeader header = ContentHeader.of(60, 0, new byte[] {(byte) 0x80, 0, 2, (byte) 0xFF, (byte) 0xFE});
        header.checkProperties();
        assertThat(header.properties().contentType()).hasSize(2);
    }

    private static void isInternalError(FrameException e) {
        assertThat(e.kind()).isEqualTo(FrameException.Kind.MALFORMED_PROPERTIES);
        assertThat(e.replyCode().code()).isEqualTo(541);
        assertThat(e.getMessage()).isEqualTo("INTERNAL_ERROR");
        assertThat(e.classId()).isZero();
        assertThat(e.action()).isEqualTo(FrameException.Action.CLOSE);
    }

    private static BasicProperties fromClient(AMQP.BasicProperties c) {
        return new BasicProperties(c.getContentType(), c.getContentEncoding(), c.getHeaders(), c.getDeliveryMode(),
                c.getPriority(), c.getCorrelationId(), c.getReplyTo(), c.getExpiration(), c.getMessageId(),
                c.getTimestamp(), c.getType(), c.getUserId(), c.getAppId(), c.getClusterId());
    }

    private static List<Object> normalized(BasicProperties p) {
        return Arrays.stream(BasicProperties.class.getRecordComponents()).map(c -> {
            try {
                return ClientInterop.normalize(c.getAccessor().invoke(p));
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }).toList();
    }
}
