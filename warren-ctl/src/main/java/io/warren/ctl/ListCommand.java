package io.warren.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** One {@code list_*} command; which one, and its columns, come from its {@link Listing}. */
@Command
final class ListCommand implements Callable<Integer> {

  @ParentCommand
  WarrenCtl ctl;

  @Parameters(paramLabel = "<column>", arity = "0..*", description = "columns to show")
  List<String> columns = new ArrayList<>();

  private final Listing listing;

  ListCommand(Listing listing) {
    this.listing = listing;
  }

  @Override
  public Integer call() {
    List<Column> chosen = listing.select(columns);
    Output out = ctl.output();
    String vhost = ctl.vhost();
    listing.banner.lines(vhost, ctl.timeoutSeconds()).forEach(out::banner);

    String path = listing.apiPath.apply(vhost);
    ManagementClient.Response r = ctl.client().send("GET", path, null, Map.of());
    List<JsonNode> rows = new ArrayList<>();
    if (r.notFound() && listing.scope == Listing.Scope.VHOST) {
      // rabbitmqctl lists nothing, successfully, for a vhost that does not exist
      out.rows(chosen, rows);
      return ExitCode.OK;
    }
    if (r.notFound() && listing.scope == Listing.Scope.VHOST_MUST_EXIST) {
      throw CtlException.plain(ExitCode.DATA_ERROR, "Virtual host '%s' does not exist", vhost);
    }
    JsonNode body = r.json();
    if (!r.ok() || !body.isArray()) {
      throw ctl.client().unexpected("GET", path, r);
    }
    body.forEach(rows::add);
    out.rows(chosen, rows);
    return ExitCode.OK;
  }
}
