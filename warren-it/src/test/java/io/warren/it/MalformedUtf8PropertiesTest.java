package io.warren.it;

import static io.warren.it.support.AmqpAssertions.getWithin;
import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import io.warren.it.support.BrokerTestSupport;
import io.warren.it.support.RawAmqpClient;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Property strings are not checked for UTF-8 on publish (RabbitMQ does not either), yet the
 * broker writes them back when it rewrites a message's properties (BCC removed, dead-lettering).
 * A long run of malformed bytes once decoded to a string too long to write back as a shortstr,
 * which failed the rewrite: found by CodecFuzzTest (regression input
 * found-property-shortstr-of-malformed-utf8-cannot-be-written-back).
 */
@Tag("spec-content")
class MalformedUtf8PropertiesTest extends BrokerTestSupport {

  /** 200 bytes that are not UTF-8 as content_type: 600 bytes once each became U+FFFD. */
  private static final byte[] MALFORMED = new byte[200];

  static {
    Arrays.fill(MALFORMED, (byte) 0xFF);
  }

  @Test
  void aMessageWhoseBccHeaderIsRemovedKeepsAWritableContentType() throws Exception {
    Channel ch = openChannel();
    String queue = ch.queueDeclare("", false, true, true, null).getQueue();
    publishRaw(queue, headersWithBcc(queue));
    GetResponse got = getWithin(ch, queue);
    assertThat(got).as("delivered through BCC").isNotNull();
    assertThat(got.getBody()).isEqualTo("body".getBytes(StandardCharsets.UTF_8));
    assertThat(got.getProps().getContentType()).isEqualTo("?".repeat(200));
    assertThat(got.getProps().getHeaders()).doesNotContainKey("BCC");
  }

  @Test
  void aDeadLetteredMessageKeepsAWritableContentType() throws Exception {
    Channel ch = openChannel();
    String dead = ch.queueDeclare("", false, true, true, null).getQueue();
    String expiring = ch.queueDeclare("", false, true, true, Map.of("x-message-ttl", 0,
        "x-dead-letter-exchange", "", "x-dead-letter-routing-key", dead)).getQueue();
    publishRaw(expiring, new byte[0]);
    GetResponse got = getWithin(ch, dead);
    assertThat(got).as("dead-lettered").isNotNull();
    assertThat(got.getProps().getContentType()).isEqualTo("?".repeat(200));
    assertThat(got.getProps().getHeaders()).containsKey("x-death");
  }

  /** A header table {"BCC": [queue]} as entries (without the length prefix). */
  private static byte[] headersWithBcc(String queue) {
    byte[] name = queue.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(4 + 1 + 1 + 4 + 4 + 1 + 4 + name.length);
    b.put((byte) 3).put("BCC".getBytes(StandardCharsets.US_ASCII)).put((byte) 'A')
        .putInt(1 + 4 + name.length).put((byte) 'S').putInt(name.length).put(name);
    return Arrays.copyOf(b.array(), b.position());
  }

  /** Publishes "body" to the default exchange with content_type MALFORMED and, if given, headers. */
  private void publishRaw(String routingKey, byte[] headerEntries) throws Exception {
    ByteArrayOutputStream props = new ByteArrayOutputStream();
    boolean withHeaders = headerEntries.length > 0;
    int flags = 0x8000 | (withHeaders ? 0x2000 : 0);
    props.write(flags >>> 8);
    props.write(flags & 0xFF);
    props.write(MALFORMED.length);
    props.write(MALFORMED);
    if (withHeaders) {
      props.write(ByteBuffer.allocate(4).putInt(headerEntries.length).array());
      props.write(headerEntries);
    }
    byte[] body = "body".getBytes(StandardCharsets.UTF_8);
    byte[] p = props.toByteArray();
    byte[] header = ByteBuffer.allocate(12 + p.length).putShort((short) 60).putShort((short) 0)
        .putLong(body.length).put(p).array();
    try (RawAmqpClient raw = RawAmqpClient.open(amqpUri())) {
      raw.openChannel(1);
      raw.sendMethod(1, 60, 40, RawAmqpClient.basicPublish("", routingKey));
      raw.sendFrame(RawAmqpClient.FRAME_HEADER, 1, header);
      raw.sendFrame(RawAmqpClient.FRAME_BODY, 1, body);
      raw.openChannel(2); // the publish before it has been handled
    }
  }
}
