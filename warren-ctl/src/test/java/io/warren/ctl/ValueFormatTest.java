package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.warren.ctl.ValueFormat.Kind;
import org.junit.jupiter.api.Test;

/** rabbitmqctl's renderings of the API's JSON values, one case per shape. */
class ValueFormatTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void tablesAreErlangProplistsWithQuotedStrings() throws Exception {
    JsonNode args = JSON.readTree(
        "{\"x-max-length\":10,\"x-dead-letter-exchange\":\"dlx\",\"flag\":true,"
            + "\"nested\":{\"a\":[1,\"b\"]}}");

    assertThat(ValueFormat.text(Kind.TABLE, args)).isEqualTo(
        "[{\"x-max-length\",10},{\"x-dead-letter-exchange\",\"dlx\"},{\"flag\",true},"
            + "{\"nested\",[{\"a\",[1,\"b\"]}]}]");
    assertThat(ValueFormat.json(Kind.TABLE, args).toString()).isEqualTo(
        "[[\"x-max-length\",\"signedint\",10],[\"x-dead-letter-exchange\",\"longstr\",\"dlx\"],"
            + "[\"flag\",\"bool\",true],[\"nested\",\"table\",[[\"a\",\"array\","
            + "[[\"signedint\",1],[\"longstr\",\"b\"]]]]]]");
  }

  @Test
  void emptyTableIsEmptyList() throws Exception {
    assertThat(ValueFormat.text(Kind.TABLE, JSON.readTree("{}"))).isEqualTo("[]");
    assertThat(ValueFormat.json(Kind.TABLE, JSON.readTree("{}")).toString()).isEqualTo("[]");
  }

  @Test
  void tagsFromAListOrACommaSeparatedString() throws Exception {
    assertThat(ValueFormat.text(Kind.TAGS, JSON.readTree("[\"administrator\",\"monitoring\"]")))
        .isEqualTo("[administrator, monitoring]");
    assertThat(ValueFormat.text(Kind.TAGS, JSON.readTree("\"a,b\""))).isEqualTo("[a, b]");
    assertThat(ValueFormat.text(Kind.TAGS, JSON.readTree("\"\""))).isEqualTo("[]");
  }

  @Test
  void protocolAndAddressAsRabbitmqctlShowsThem() throws Exception {
    assertThat(ValueFormat.text(Kind.PROTOCOL, JSON.readTree("\"AMQP 0-9-1\"")))
        .isEqualTo("{0,9,1}");
    assertThat(ValueFormat.json(Kind.PROTOCOL, JSON.readTree("\"AMQP 0-9-1\"")).toString())
        .isEqualTo("[0,9,1]");
    assertThat(ValueFormat.text(Kind.ADDRESS, JSON.readTree("\"127.0.0.1\"")))
        .isEqualTo("127.0.0.1");
    assertThat(ValueFormat.json(Kind.ADDRESS, JSON.readTree("\"127.0.0.1\"")).toString())
        .isEqualTo("[127,0,0,1]");
    assertThat(ValueFormat.json(Kind.ADDRESS, JSON.readTree("\"::1\"")).toString())
        .isEqualTo("\"::1\"");
  }

  @Test
  void plainValuesNullsAndErlangFloats() throws Exception {
    assertThat(ValueFormat.text(Kind.PLAIN, JSON.readTree("null"))).isEmpty();
    assertThat(ValueFormat.text(Kind.PLAIN, null)).isEmpty();
    assertThat(ValueFormat.text(Kind.PLAIN, JSON.readTree("2.7E-6"))).isEqualTo("2.7e-6");
    assertThat(ValueFormat.text(Kind.NODE_STATES, JSON.readTree("{\"warren@host\":\"running\"}")))
        .isEqualTo("[{warren@host, running}]");
  }

  @Test
  void pathSegmentsArePercentEncoded() {
    assertThat(ManagementClient.path("queues", "/", "a b+c")).isEqualTo("/queues/%2F/a%20b%2Bc");
    assertThat(ManagementClient.path("vhosts", "ü")).isEqualTo("/vhosts/%C3%BC");
  }
}
