package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.warren.ctl.ValueFormat.Kind;
import java.util.function.Function;

/**
 * One column of a {@code list_*} command: rabbitmqctl's name for it (the "info key"), where the
 * value sits in the management API's JSON object, and how it is shown.
 */
record Column(String name, Function<JsonNode, JsonNode> value, Kind kind) {

  /** The API field of the same name. */
  static Column field(String name) {
    return field(name, Kind.PLAIN);
  }

  static Column field(String name, Kind kind) {
    return new Column(name, o -> o.path(name), kind);
  }

  /** A value under another name or nested, e.g. {@code /channel_details/name}. */
  static Column at(String name, String jsonPointer) {
    return at(name, jsonPointer, Kind.PLAIN);
  }

  static Column at(String name, String jsonPointer, Kind kind) {
    return new Column(name, o -> o.at(jsonPointer), kind);
  }

  /** The same value in every row (e.g. source_kind: bindings always start at an exchange). */
  static Column constant(String name, String value) {
    TextNode node = TextNode.valueOf(value);
    return new Column(name, o -> node, Kind.PLAIN);
  }

  String text(JsonNode row) {
    return ValueFormat.text(kind, value.apply(row));
  }

  JsonNode json(JsonNode row) {
    return ValueFormat.json(kind, value.apply(row));
  }
}
