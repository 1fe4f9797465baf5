package io.warren.ctl;

import static io.warren.ctl.Column.at;
import static io.warren.ctl.Column.constant;
import static io.warren.ctl.Column.field;
import static io.warren.ctl.Listing.Columns.CHOOSABLE;
import static io.warren.ctl.Listing.Columns.FIXED;

import io.warren.ctl.ValueFormat.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The {@code list_*} commands: for each, rabbitmqctl's banner, its default and accepted columns
 * (in rabbitmqctl's spelling), and the management API path the rows come from.
 *
 * <p>Columns rabbitmqctl accepts but the HTTP API does not report (Erlang pids, disk counters)
 * are accepted and print an empty cell, so a script that asks for them still parses. A
 * {@code pid} column shows the connection's or channel's name instead: Warren has no Erlang
 * pids, and the name is what {@code close_connection} takes.
 */
enum Listing {

  QUEUES("list_queues", "Lists queues and their properties", Scope.VHOST, CHOOSABLE,
      (vhost, timeout) -> List.of("Timeout: " + timeout + ".0 seconds ...",
          "Listing queues for vhost " + vhost + " ..."),
      vhost -> ManagementClient.path("queues", vhost),
      List.of("name", "messages"),
      field("arguments", Kind.TABLE), field("auto_delete"), field("consumer_capacity"),
      field("consumer_utilisation"), field("consumers"), field("disk_reads"), field("disk_writes"),
      field("durable"), field("exclusive"), field("exclusive_consumer_pid"),
      field("exclusive_consumer_tag"), field("head_message_timestamp"), at("leader", "/node"),
      field("members"), field("memory"), field("message_bytes"), field("message_bytes_persistent"),
      field("message_bytes_ram"), field("message_bytes_ready"),
      field("message_bytes_unacknowledged"), field("messages"), field("messages_persistent"),
      field("messages_ram"), field("messages_ready"), field("messages_ready_ram"),
      field("messages_unacknowledged"), field("messages_unacknowledged_ram"), field("name"),
      field("online"), at("owner_pid", "/owner_pid_details/name"), field("pid"), field("policy"),
      field("slave_pids"), field("state"), field("synchronised_slave_pids"), field("type")),

  EXCHANGES("list_exchanges", "Lists exchanges", Scope.VHOST, CHOOSABLE,
      (vhost, timeout) -> List.of("Listing exchanges for vhost " + vhost + " ..."),
      vhost -> ManagementClient.path("exchanges", vhost),
      List.of("name", "type"),
      field("arguments", Kind.TABLE), field("auto_delete"), field("durable"), field("internal"),
      field("name"), field("policy"), field("type")),

  BINDINGS("list_bindings", "Lists all bindings on a vhost", Scope.VHOST, CHOOSABLE,
      // sic: rabbitmqctl 3.10 prints no space before the dots here
      (vhost, timeout) -> List.of("Listing bindings for vhost " + vhost + "..."),
      vhost -> ManagementClient.path("bindings", vhost),
      List.of("source_name", "source_kind", "destination_name", "destination_kind", "routing_key",
          "arguments"),
      field("arguments", Kind.TABLE), at("destination_kind", "/destination_type"),
      at("destination_name", "/destination"), field("routing_key"),
      constant("source_kind", "exchange"), at("source_name", "/source")),

  CONNECTIONS("list_connections", "Lists AMQP 0.9.1 connections for the node",
      Scope.NODE, CHOOSABLE,
      (vhost, timeout) -> List.of("Listing connections ..."),
      vhost -> "/connections",
      List.of("user", "peer_host", "peer_port", "state"),
      field("auth_mechanism"), field("channel_max"), field("channels"),
      field("client_properties", Kind.TABLE), field("connected_at"), field("frame_max"),
      field("host", Kind.ADDRESS), field("name"), field("peer_cert_issuer"),
      field("peer_cert_subject"), field("peer_cert_validity"), field("peer_host", Kind.ADDRESS),
      field("peer_port"), at("pid", "/name"), field("port"), field("protocol", Kind.PROTOCOL),
      field("recv_cnt"), field("recv_oct"), field("send_cnt"), field("send_oct"),
      field("send_pend"), field("ssl"), field("ssl_cipher"), field("ssl_hash"),
      field("ssl_key_exchange"), field("ssl_protocol"), field("state"), field("timeout"),
      field("user"), field("vhost")),

  CHANNELS("list_channels", "Lists all channels in the node", Scope.NODE, CHOOSABLE,
      (vhost, timeout) -> List.of("Listing channels ..."),
      vhost -> "/channels",
      List.of("pid", "user", "consumer_count", "messages_unacknowledged"),
      field("acks_uncommitted"), field("confirm"), at("connection", "/connection_details/name"),
      field("consumer_count"), field("global_prefetch_count"), field("messages_unacknowledged"),
      field("messages_uncommitted"), field("messages_unconfirmed"), field("name"),
      field("number"), at("pid", "/name"), field("prefetch_count"), field("transactional"),
      field("user"), field("vhost")),

  CONSUMERS("list_consumers", "Lists all consumers for a vhost", Scope.VHOST, CHOOSABLE,
      (vhost, timeout) -> List.of("Listing consumers in vhost " + vhost + " ..."),
      vhost -> ManagementClient.path("consumers", vhost),
      List.of("queue_name", "channel_pid", "consumer_tag", "ack_required", "prefetch_count",
          "active", "arguments"),
      field("ack_required"), field("active"), field("activity_status"),
      field("arguments", Kind.TABLE), at("channel_pid", "/channel_details/name"),
      field("consumer_tag"), field("prefetch_count"), at("queue_name", "/queue/name")),

  USERS("list_users", "List user names and tags", Scope.NODE, FIXED,
      (vhost, timeout) -> List.of("Listing users ..."),
      vhost -> "/users",
      List.of("user", "tags"),
      at("user", "/name"), field("tags", Kind.TAGS)),

  VHOSTS("list_vhosts", "Lists virtual hosts", Scope.NODE, CHOOSABLE,
      (vhost, timeout) -> List.of("Listing vhosts ..."),
      vhost -> "/vhosts",
      List.of("name"),
      field("cluster_state", Kind.NODE_STATES), field("default_queue_type"),
      field("description"), field("name"), field("tags", Kind.TAGS), field("tracing")),

  PERMISSIONS("list_permissions", "Lists user permissions in a virtual host",
      Scope.VHOST_MUST_EXIST, FIXED,
      (vhost, timeout) -> List.of("Listing permissions for vhost \"" + vhost + "\" ..."),
      vhost -> ManagementClient.path("vhosts", vhost, "permissions"),
      List.of("user", "configure", "write", "read"),
      field("user"), field("configure"), field("write"), field("read"));

  /** What {@code -p} means to a listing and whether it takes column arguments. */
  enum Scope {
    /** Rows of one vhost; a vhost that does not exist lists nothing, as in rabbitmqctl. */
    VHOST,
    /** Rows of one vhost, which must exist (exit 65 otherwise). */
    VHOST_MUST_EXIST,
    /** Rows of the whole node; {@code -p} is ignored. */
    NODE
  }

  /** Whether a listing takes column arguments. */
  enum Columns {
    CHOOSABLE,
    /** Always the default columns; rabbitmqctl takes no column arguments for these. */
    FIXED
  }

  /** Builds the banner lines from the vhost and the timeout in seconds. */
  interface Banner {
    List<String> lines(String vhost, int timeoutSeconds);
  }

  final String command;
  final String description;
  final Scope scope;
  final boolean takesColumns;
  final Banner banner;
  final Function<String, String> apiPath;
  final List<String> defaults;
  /** Accepted columns by name, in alphabetical order as rabbitmqctl's help lists them. */
  final Map<String, Column> columns = new LinkedHashMap<>();

  Listing(String command, String description, Scope scope, Columns columnArgs, Banner banner,
      Function<String, String> apiPath, List<String> defaults, Column... columns) {
    this.command = command;
    this.description = description;
    this.scope = scope;
    this.takesColumns = columnArgs == CHOOSABLE;
    this.banner = banner;
    this.apiPath = apiPath;
    this.defaults = defaults;
    for (Column c : columns) {
      this.columns.put(c.name(), c);
    }
  }

  /**
   * The columns to print: the defaults when none are asked for; otherwise those asked, in the
   * order asked. Unknown names fail like rabbitmqctl, naming them sorted.
   */
  List<Column> select(List<String> asked) {
    if (asked == null || asked.isEmpty()) {
      return defaults.stream().map(columns::get).toList();
    }
    if (!takesColumns) {
      throw CtlException.usage("too many arguments.");
    }
    TreeSet<String> unknown = new TreeSet<>();
    List<Column> chosen = new ArrayList<>();
    for (String name : asked) {
      // rabbitmqctl also takes "name,messages" as one argument
      for (String one : name.split(",")) {
        Column c = columns.get(one.strip());
        if (c == null) {
          unknown.add(one.strip());
        } else {
          chosen.add(c);
        }
      }
    }
    if (!unknown.isEmpty()) {
      throw CtlException.usage("Info key(s) %s are not supported", String.join(",", unknown));
    }
    return chosen;
  }

  /** "must be one of a, b, c" for the help text. */
  String columnHelp() {
    return "must be one of " + String.join(", ", new TreeSet<>(columns.keySet()));
  }
}
