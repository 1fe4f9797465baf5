package io.warren.ctl;

import static io.warren.ctl.ManagementClient.path;
import static io.warren.ctl.UserCommands.expectOk;

import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * close_connection. rabbitmqctl takes the connection's Erlang pid; over HTTP a connection is
 * known by its name ("127.0.0.1:50312 -&gt; 127.0.0.1:5672"), which list_connections shows in
 * its name and pid columns.
 */
@Command(name = "close_connection", description = "Instructs the broker to close the connection "
    + "with the given name (see list_connections name), sending the explanation to the client.")
final class CloseConnection implements Callable<Integer> {

  @ParentCommand
  WarrenCtl ctl;

  @Parameters(index = "0", paramLabel = "<connection_name>")
  String name;

  @Parameters(index = "1", paramLabel = "<explanation>")
  String explanation;

  @Override
  public Integer call() {
    Output out = ctl.output();
    out.banner("Closing connection " + name + ", reason: " + explanation + "...");
    ManagementClient api = ctl.client();
    String path = path("connections", name);
    // the management API reads the close reason from this header
    ManagementClient.Response r = api.delete(path, Map.of("X-Reason", explanation));
    if (r.notFound()) {
      throw CtlException.error(ExitCode.UNAVAILABLE, "Connection '%s' not found", name);
    }
    expectOk(api, "DELETE", path, r);
    out.ok(ctl::nodeName);
    return ExitCode.OK;
  }
}
