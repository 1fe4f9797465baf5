package io.warren.stomp;

/**
 * A STOMP destination as RabbitMQ's STOMP plugin reads it:
 * <ul>
 *   <li>{@code /queue/<name>}: the queue {@code name} (declared durable if missing); SEND goes
 *       through the default exchange;</li>
 *   <li>{@code /amq/queue/<name>}: an existing queue, never declared;</li>
 *   <li>{@code /topic/<key>}: {@code amq.topic} with routing key {@code key}; each subscription
 *       gets its own exclusive, auto-delete queue;</li>
 *   <li>{@code /exchange/<name>[/<key>]}: any exchange, likewise.</li>
 * </ul>
 * {@code /temp-queue/} and {@code /reply-queue/} are not served yet and are refused.
 */
record Destination(Kind kind, String name, String key) {

  enum Kind { QUEUE, AMQ_QUEUE, TOPIC, EXCHANGE }

  static final String TOPIC_EXCHANGE = "amq.topic";

  /** Parses a destination header; throws {@link StompError} for one RabbitMQ would refuse or Warren does not serve. */
  static Destination parse(String header) {
    if (header == null) {
      throw new StompError("Missing destination", "SEND and SUBSCRIBE frames need a destination header.");
    }
    if (header.startsWith("/queue/") && header.length() > 7) {
      return new Destination(Kind.QUEUE, unescape(header.substring(7)), null);
    }
    if (header.startsWith("/amq/queue/") && header.length() > 11) {
      return new Destination(Kind.AMQ_QUEUE, unescape(header.substring(11)), null);
    }
    if (header.startsWith("/topic/") && header.length() > 7) {
      return new Destination(Kind.TOPIC, TOPIC_EXCHANGE, unescape(header.substring(7)));
    }
    if (header.startsWith("/exchange/") && header.length() > 10) {
      String rest = header.substring(10);
      int slash = rest.indexOf('/');
      return slash < 0 ? new Destination(Kind.EXCHANGE, unescape(rest), "")
          : new Destination(Kind.EXCHANGE, unescape(rest.substring(0, slash)), unescape(rest.substring(slash + 1)));
    }
    if (header.startsWith("/temp-queue/") || header.startsWith("/reply-queue/")) {
      throw new StompError("Unsupported destination", "Warren does not serve " + header + " destinations yet.");
    }
    throw new StompError("Unknown destination", "'" + header + "' is not a valid destination.\n"
        + "Valid destination types are: /exchange, /topic, /queue, /amq/queue.");
  }

  /** The exchange a SEND goes to. */
  String exchange() {
    return kind == Kind.QUEUE || kind == Kind.AMQ_QUEUE ? "" : name;
  }

  /** The routing key a SEND uses. */
  String routingKey() {
    return kind == Kind.QUEUE || kind == Kind.AMQ_QUEUE ? name : key;
  }

  /** The destination header a delivered message carries, from where it was published. */
  static String of(String exchange, String routingKey) {
    if (exchange.isEmpty()) {
      return "/queue/" + escape(routingKey);
    }
    if (exchange.equals(TOPIC_EXCHANGE)) {
      return "/topic/" + escape(routingKey);
    }
    return "/exchange/" + escape(exchange) + "/" + escape(routingKey);
  }

  /** RabbitMQ percent-encodes '/' in names within destinations ("%2F"). */
  private static String unescape(String s) {
    return s.indexOf('%') < 0 ? s : java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("%", "%25").replace("/", "%2F");
  }
}
