package io.warren.ctl;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * export_definitions and import_definitions: users, vhosts, permissions, queues, exchanges and
 * bindings as one JSON document, through {@code /api/definitions}.
 */
final class DefinitionsCommands {

  private DefinitionsCommands() {}

  @Command(name = "export_definitions", description = "Exports definitions in JSON to a file, "
      + "or to standard output with \"-\".")
  static final class ExportDefinitions implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<file_path | \"-\">")
    String target;

    @Override
    public Integer call() {
      Output out = ctl.output();
      boolean toStdout = target.equals("-");
      if (!toStdout) {
        out.banner("Exporting definitions in JSON to a file at \"" + target + "\" ...");
      }
      // written as the API sent it: no re-serialisation, so key order and numbers are kept
      String definitions = ctl.client().getRaw("/definitions");
      if (toStdout) {
        out.raw(definitions);
        return ExitCode.OK;
      }
      try {
        Files.writeString(Path.of(target), definitions, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CtlException.error(ExitCode.DATA_ERROR, "Could not write to file at \"%s\": %s",
            target, e.getMessage());
      }
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "import_definitions", description = "Imports definitions in JSON from a file, "
      + "or from standard input with \"-\".")
  static final class ImportDefinitions implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<file_path | \"-\">")
    String source;

    @Override
    public Integer call() {
      boolean fromStdin = source.equals("-");
      if (!fromStdin && !Files.isRegularFile(Path.of(source))) {
        throw CtlException.usage(ExitCode.DATA_ERROR, "Bad argument: File %s does not exist",
            source);
      }
      Output out = ctl.output();
      out.banner(fromStdin ? "Importing definitions in JSON from standard input ..."
          : "Importing definitions in JSON from a file at \"" + source + "\" ...");
      String text;
      try {
        text = fromStdin ? new String(ctl.stdin().readAllBytes(), StandardCharsets.UTF_8)
            : Files.readString(Path.of(source), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw CtlException.error(ExitCode.DATA_ERROR, "Could not read \"%s\": %s", source,
            e.getMessage());
      }
      try {
        JsonNode parsed = ManagementClient.JSON.readTree(text);
        if (parsed == null || !parsed.isObject()) {
          throw CtlException.error(ExitCode.DATA_ERROR,
              "Failed to deserialise input (format: JSON) (error: not a JSON object)");
        }
      } catch (JsonProcessingException e) {
        throw CtlException.error(ExitCode.DATA_ERROR,
            "Failed to deserialise input (format: JSON) (error: %s)", e.getOriginalMessage());
      }
      ManagementClient api = ctl.client();
      ManagementClient.Response r = api.post("/definitions", text);
      if (r.status() == 400) {
        throw CtlException.error(ExitCode.DATA_ERROR, "Failed to import definitions: %s",
            r.reason());
      }
      UserCommands.expectOk(api, "POST", "/definitions", r);
      out.banner("Successfully started definition import. "
          + "This process is asynchronous and can take some time.");
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }
}
