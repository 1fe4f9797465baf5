package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a value from the management API's JSON into what rabbitmqctl prints for it. rabbitmqctl
 * shows Erlang terms: a table column as {@code [{"x-max-length",10}]}, tags as
 * {@code [administrator, monitoring]}, the protocol as {@code {0,9,1}}; and with
 * {@code --formatter json} it writes AMQP tables as {@code [name, type, value]} triples and
 * IPv4 addresses as lists of four numbers. Scripts parse both, so both are reproduced.
 */
final class ValueFormat {

  /** How a column's value is shown; most columns are plain. */
  enum Kind {
    /** Strings, numbers and booleans as they are; null as an empty cell. */
    PLAIN,
    /** An AMQP field table (queue arguments, client properties). */
    TABLE,
    /** A list of words (user and vhost tags). */
    TAGS,
    /** "AMQP 0-9-1", shown as the version tuple. */
    PROTOCOL,
    /** A peer or local address. */
    ADDRESS,
    /** The per-node state map of a vhost. */
    NODE_STATES
  }

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ValueFormat() {}

  /** The cell text of the tab-separated output. */
  static String text(Kind kind, JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return "";
    }
    return switch (kind) {
      case TABLE -> table(v);
      case TAGS -> "[" + String.join(", ", words(v)) + "]";
      case PROTOCOL -> "{" + String.join(",", protocolVersion(v.asText())) + "}";
      case NODE_STATES -> nodeStates(v);
      case PLAIN, ADDRESS -> plain(v);
    };
  }

  /** The value of the {@code --formatter json} output. */
  static JsonNode json(Kind kind, JsonNode v) {
    if (v == null || v.isMissingNode()) {
      return NullNode.getInstance();
    }
    return switch (kind) {
      case TABLE -> v.isObject() ? typedTable(v) : v;
      case TAGS -> {
        ArrayNode a = NODES.arrayNode();
        words(v).forEach(a::add);
        yield v.isNull() ? v : a;
      }
      case PROTOCOL -> {
        ArrayNode a = NODES.arrayNode();
        protocolVersion(v.asText()).forEach(n -> a.add(Integer.parseInt(n)));
        yield a.isEmpty() ? v : a;
      }
      case ADDRESS -> ipv4(v);
      case PLAIN, NODE_STATES -> v;
    };
  }

  private static String plain(JsonNode v) {
    if (v.isObject()) {
      return table(v);
    }
    if (v.isArray()) {
      return "[" + String.join(", ", words(v)) + "]";
    }
    if (v.isFloatingPointNumber()) {
      // Erlang prints 2.7e-6, Java 2.7E-6
      return v.asText().replace('E', 'e');
    }
    return v.asText();
  }

  /** {@code [{"key",value}, ...]}: strings quoted, nested tables and arrays in brackets. */
  private static String table(JsonNode v) {
    if (!v.isObject()) {
      return term(v);
    }
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      pairs.add("{" + quote(e.getKey()) + "," + term(e.getValue()) + "}");
    }
    return "[" + String.join(",", pairs) + "]";
  }

  private static String term(JsonNode v) {
    if (v.isObject()) {
      return table(v);
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(x -> items.add(term(x)));
      return "[" + String.join(",", items) + "]";
    }
    if (v.isTextual()) {
      return quote(v.asText());
    }
    if (v.isNull()) {
      return "undefined";
    }
    return plain(v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Tags come as a list, or (older APIs, PUT bodies) as one comma-separated string. */
  private static List<String> words(JsonNode v) {
    List<String> words = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(x -> words.add(x.isTextual() ? x.asText() : x.toString()));
    } else if (v.isTextual() && !v.asText().isBlank()) {
      for (String w : v.asText().split(",")) {
        words.add(w.strip());
      }
    }
    return words;
  }

  private static List<String> protocolVersion(String protocol) {
    // "AMQP 0-9-1" -> [0, 9, 1]
    String version = protocol.substring(protocol.lastIndexOf(' ') + 1);
    List<String> parts = new ArrayList<>();
    for (String p : version.split("-")) {
      if (!p.chars().allMatch(Character::isDigit) || p.isEmpty()) {
        return List.of();
      }
      parts.add(p);
    }
    return parts;
  }

  private static String nodeStates(JsonNode v) {
    if (!v.isObject()) {
      return plain(v);
    }
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      pairs.add("{" + e.getKey() + ", " + e.getValue().asText() + "}");
    }
    return "[" + String.join(", ", pairs) + "]";
  }

  private static JsonNode ipv4(JsonNode v) {
    String[] parts = v.asText().split("\\.");
    if (parts.length != 4) {
      return v;
    }
    ArrayNode a = NODES.arrayNode();
    for (String p : parts) {
      try {
        a.add(Integer.parseInt(p));
      } catch (NumberFormatException e) {
        return v;
      }
    }
    return a;
  }

  /**
   * {@code {"x-max-length": 10}} as {@code [["x-max-length","signedint",10]]}. The HTTP API
   * has dropped the AMQP field types, so they are inferred the way the common clients encode
   * values: whole numbers that fit 32 bits as signedint, bigger ones as long.
   */
  private static ArrayNode typedTable(JsonNode table) {
    ArrayNode out = NODES.arrayNode();
    for (Map.Entry<String, JsonNode> e : table.properties()) {
      ArrayNode triple = out.addArray();
      triple.add(e.getKey());
      addTyped(triple, e.getValue());
    }
    return out;
  }

  private static void addTyped(ArrayNode into, JsonNode v) {
    if (v.isObject()) {
      into.add("table");
      into.add(typedTable(v));
    } else if (v.isArray()) {
      into.add("array");
      ArrayNode items = into.addArray();
      v.forEach(x -> addTyped(items.addArray(), x));
    } else if (v.isTextual()) {
      into.add("longstr");
      into.add(v);
    } else if (v.isBoolean()) {
      into.add("bool");
      into.add(v);
    } else if (v.isIntegralNumber()) {
      into.add(v.canConvertToInt() ? "signedint" : "long");
      into.add(v);
    } else if (v.isNumber()) {
      into.add("double");
      into.add(v);
    } else {
      into.add("void");
      into.add(NullNode.getInstance());
    }
  }
}
