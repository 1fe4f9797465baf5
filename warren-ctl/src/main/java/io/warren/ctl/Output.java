package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Everything a command writes to stdout, laid out as rabbitmqctl 3.10 does:
 * <ul>
 *   <li>banners ("Listing queues for vhost / ...") unless {@code -q}, {@code -s} or
 *       {@code --formatter json};
 *   <li>tab-separated rows under a header line of column names; nothing at all, not even the
 *       header, when there are no rows; no header with {@code -s} or
 *       {@code --no-table-headers};
 *   <li>with {@code --formatter json}, one compact object per row inside {@code [} and
 *       {@code ]} lines, later rows starting with a comma; and {@code {"node":...,"result":"ok"}}
 *       for a command that changes something.
 * </ul>
 */
final class Output {

  /** The output formats of {@code --formatter}. */
  enum Format { TABLE, JSON }

  private final PrintStream out;
  private final boolean quiet;
  private final boolean headers;
  private final Format format;

  Output(PrintStream out, boolean quiet, boolean headers, Format format) {
    this.out = out;
    this.quiet = quiet;
    this.headers = headers;
    this.format = format;
  }

  boolean json() {
    return format == Format.JSON;
  }

  /** An informational line: what the command is about to do. */
  void banner(String line) {
    if (!quiet && !json()) {
      out.println(line);
    }
  }

  /** A result line that is printed even with {@code -q} (not in JSON). */
  void result(String line) {
    if (!json()) {
      out.println(line);
    }
  }

  /** Raw text as it is (exported definitions). */
  void raw(String text) {
    out.print(text);
    out.flush();
  }

  /** rabbitmqctl's JSON answer to a command that changed something. */
  void ok(Supplier<String> node) {
    if (json()) {
      ObjectNode o = ManagementClient.JSON.createObjectNode();
      o.put("node", node.get());
      o.put("result", "ok");
      out.println(o);
    }
  }

  /** A whole JSON document (status). */
  void json(JsonNode document) {
    out.println(document);
  }

  void rows(List<Column> columns, List<JsonNode> rows) {
    if (json()) {
      out.println("[");
      for (int i = 0; i < rows.size(); i++) {
        ObjectNode o = ManagementClient.JSON.createObjectNode();
        for (Column c : columns) {
          o.set(c.name(), c.json(rows.get(i)));
        }
        out.println((i == 0 ? "" : ",") + o);
      }
      out.println("]");
      return;
    }
    if (rows.isEmpty()) {
      return;
    }
    if (headers) {
      out.println(String.join("\t", columns.stream().map(Column::name).toList()));
    }
    for (JsonNode row : rows) {
      List<String> cells = new ArrayList<>(columns.size());
      for (Column c : columns) {
        cells.add(c.text(row));
      }
      out.println(String.join("\t", cells));
    }
  }
}
