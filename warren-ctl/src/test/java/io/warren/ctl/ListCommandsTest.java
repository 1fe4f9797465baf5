package io.warren.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.impl.NetworkConnection;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The list_* commands: rabbitmqctl 3.10's banners, header line, tab-separated cells, Erlang-style
 * values and JSON rows, checked against queues, bindings, connections and consumers made over
 * AMQP.
 */
class ListCommandsTest {

  private static ManagementApi api;
  private static Ctl ctl;
  private static Connection connection;
  private static Channel channel;
  private static String queue;
  private static String exchange;

  @BeforeAll
  static void start() throws Exception {
    api = ManagementApi.start();
    ctl = new Ctl(api);
    connection = api.amqp().newConnection();
    channel = connection.createChannel();
    queue = Ctl.unique("ctl-list-q");
    exchange = Ctl.unique("ctl-list-x");
    channel.queueDeclare(queue, true, false, false, Map.of("x-max-length", 10));
    channel.exchangeDeclare(exchange, "topic", false);
    channel.queueBind(queue, exchange, "a.#", Map.of("k", "v"));
    channel.confirmSelect();
    for (int i = 0; i < 2; i++) {
      channel.basicPublish("", queue, null, ("m" + i).getBytes(StandardCharsets.UTF_8));
    }
    channel.waitForConfirmsOrDie(5_000);
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.queueDelete(queue);
      channel.exchangeDelete(exchange);
      connection.close();
    }
    if (api != null) {
      api.close();
    }
  }

  @Test
  void listQueuesPrintsTheBannersAHeaderAndNameAndMessagesByDefault() {
    Ctl.Result r = ctl.untilLine(queue + "\t2", "list_queues");

    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.lines()).startsWith(
        "Timeout: 60.0 seconds ...", "Listing queues for vhost / ...", "name\tmessages");
    assertThat(r.lines()).contains(queue + "\t2");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void listQueuesPrintsTheColumnsAskedForInTheirOrder() {
    String row = queue + "\t2\t2\t0\t0\ttrue\tfalse\tfalse\t[{\"x-max-length\",10}]";
    Ctl.Result r = ctl.untilLine(row, "-q", "list_queues", "name", "messages", "messages_ready",
        "messages_unacknowledged", "consumers", "durable", "auto_delete", "exclusive",
        "arguments");

    assertThat(r.lines().get(0)).isEqualTo("name\tmessages\tmessages_ready\tmessages_unacknowledged"
        + "\tconsumers\tdurable\tauto_delete\texclusive\targuments");
    assertThat(r.lines()).contains(row);
  }

  @Test
  void listQueuesTakesColumnsSeparatedByCommasToo() {
    Ctl.Result r = ctl.untilLine(queue + "\ttrue", "-q", "list_queues", "name,durable");

    assertThat(r.lines().get(0)).isEqualTo("name\tdurable");
  }

  @Test
  void jsonFormatterPrintsOneObjectPerRowWithTypedArguments() {
    Ctl.Result r = ctl.until(x -> x.out().contains("\"name\":\"" + queue + "\""),
        "list_queues", "--formatter", "json", "name", "durable", "arguments");

    assertThat(r.code()).isZero();
    assertThat(r.lines().get(0)).isEqualTo("[");
    assertThat(r.lines().get(r.lines().size() - 1)).isEqualTo("]");
    assertThat(r.lines()).anySatisfy(line -> assertThat(line).matches(",?\\Q{\"name\":\"" + queue
        + "\",\"durable\":true,\"arguments\":[[\"x-max-length\",\"signedint\",10]]}\\E"));
    assertThat(r.lines().subList(2, r.lines().size() - 1)).allMatch(l -> l.startsWith(",{"));
  }

  @Test
  void silentDropsBannersAndHeaderAndQuietKeepsTheHeader() {
    Ctl.Result silent = ctl.run("list_exchanges", "-s");
    Ctl.Result quiet = ctl.run("list_exchanges", "--quiet");
    Ctl.Result noHeaders = ctl.run("list_exchanges", "--no-table-headers");

    assertThat(silent.lines()).contains("amq.direct\tdirect", exchange + "\ttopic")
        .doesNotContain("name\ttype", "Listing exchanges for vhost / ...");
    assertThat(quiet.lines().get(0)).isEqualTo("name\ttype");
    assertThat(noHeaders.lines()).startsWith("Listing exchanges for vhost / ...")
        .doesNotContain("name\ttype");
  }

  @Test
  void listExchangesShowsTheDefaultExchangeWithAnEmptyName() {
    Ctl.Result r = ctl.run("list_exchanges", "name", "type", "durable", "auto_delete", "internal",
        "arguments");

    assertThat(r.lines()).startsWith("Listing exchanges for vhost / ...",
        "name\ttype\tdurable\tauto_delete\tinternal\targuments");
    assertThat(r.lines()).contains("\tdirect\ttrue\tfalse\tfalse\t[]",
        "amq.topic\ttopic\ttrue\tfalse\tfalse\t[]", exchange + "\ttopic\tfalse\tfalse\tfalse\t[]");
  }

  @Test
  void listBindingsShowsSourceDestinationKeyAndArguments() {
    Ctl.Result r = ctl.run("list_bindings");

    assertThat(r.lines()).startsWith("Listing bindings for vhost /...",
        "source_name\tsource_kind\tdestination_name\tdestination_kind\trouting_key\targuments");
    assertThat(r.lines()).contains(
        "\texchange\t" + queue + "\tqueue\t" + queue + "\t[]",
        exchange + "\texchange\t" + queue + "\tqueue\ta.#\t[{\"k\",\"v\"}]");
  }

  @Test
  void listConnectionsChannelsAndConsumersShowAConsumingClient() throws Exception {
    try (Connection c = api.amqp().newConnection()) {
      Channel ch = c.createChannel();
      ch.basicQos(3);
      String tag = ch.basicConsume(queue, false, Ctl.unique("ctl-tag"), new DefaultConsumer(ch));
      String port = Integer.toString(((NetworkConnection) c).getLocalPort());

      String connectionRow = "guest\t127.0.0.1\t" + port + "\trunning\t1\t{0,9,1}\t/";
      Ctl.Result connections = ctl.untilLine(connectionRow,
          "list_connections", "user", "peer_host", "peer_port", "state", "channels", "protocol",
          "vhost");
      assertThat(connections.lines()).startsWith("Listing connections ...",
          "user\tpeer_host\tpeer_port\tstate\tchannels\tprotocol\tvhost");
      assertThat(connections.lines()).contains(connectionRow);

      String channelRow = "\\S+:" + port + " -> \\S+\t1\tguest\t1\t2\t3";
      Ctl.Result channels = ctl.until(
          x -> x.lines().stream().anyMatch(l -> l.matches(channelRow)),
          "list_channels", "connection", "number", "user", "consumer_count",
          "messages_unacknowledged", "prefetch_count");
      assertThat(channels.lines()).startsWith("Listing channels ...",
          "connection\tnumber\tuser\tconsumer_count\tmessages_unacknowledged\tprefetch_count");
      assertThat(channels.lines()).anySatisfy(line -> assertThat(line).matches(channelRow));

      Ctl.Result consumers = ctl.until(x -> x.out().contains(tag), "list_consumers");
      assertThat(consumers.lines()).startsWith("Listing consumers in vhost / ...",
          "queue_name\tchannel_pid\tconsumer_tag\tack_required\tprefetch_count\tactive\targuments");
      assertThat(consumers.lines()).anySatisfy(line -> assertThat(line)
          .matches("\\Q" + queue + "\\E\t\\S+:" + port + " -> \\S+ \\(1\\)\t\\Q" + tag
              + "\\E\ttrue\t3\ttrue\t\\[\\]"));

      Ctl.Result json = ctl.until(x -> x.out().contains("\"peer_port\":" + port),
          "list_connections", "--formatter", "json", "peer_host", "peer_port", "protocol");
      assertThat(json.lines()).anySatisfy(line -> assertThat(line).endsWith(
          "{\"peer_host\":[127,0,0,1],\"peer_port\":" + port + ",\"protocol\":[0,9,1]}"));
    }
  }

  @Test
  void listUsersVhostsAndPermissionsShowGuestAndTheDefaultVhost() {
    assertThat(ctl.run("list_users").lines())
        .startsWith("Listing users ...", "user\ttags").contains("guest\t[administrator]");
    assertThat(ctl.run("list_vhosts", "name", "tracing").lines())
        .startsWith("Listing vhosts ...", "name\ttracing").contains("/\tfalse");
    assertThat(ctl.run("list_permissions").lines())
        .startsWith("Listing permissions for vhost \"/\" ...", "user\tconfigure\twrite\tread")
        .contains("guest\t.*\t.*\t.*");
    assertThat(ctl.run("list_users", "--formatter", "json").lines())
        .contains("{\"user\":\"guest\",\"tags\":[\"administrator\"]}");
  }

  @Test
  void aVhostThatDoesNotExistListsNothingButHasNoPermissionsToList() {
    Ctl.Result queues = ctl.run("list_queues", "-p", "no-such-vhost");
    assertThat(queues.code()).isZero();
    assertThat(queues.lines()).containsExactly("Timeout: 60.0 seconds ...",
        "Listing queues for vhost no-such-vhost ...");

    Ctl.Result permissions = ctl.run("list_permissions", "-p", "no-such-vhost");
    assertThat(permissions.code()).isEqualTo(65);
    assertThat(permissions.err()).isEqualTo("Virtual host 'no-such-vhost' does not exist\n");
  }

  @Test
  void unknownColumnsAreNamedSortedAndExit64() {
    Ctl.Result r = ctl.run("list_queues", "name", "foo", "bar");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("Error (argument validation): Info key(s) bar,foo are not "
        + "supported\nArguments given:\n\tlist_queues name foo bar\n\nUsage\n\n"
        + "warrenctl list_queues [OPTIONS] [<column>...]");
  }

  @Test
  void listUsersTakesNoColumns() {
    Ctl.Result r = ctl.run("list_users", "name");

    assertThat(r.code()).isEqualTo(64);
    assertThat(r.err()).startsWith("Error (argument validation): too many arguments.");
  }
}
