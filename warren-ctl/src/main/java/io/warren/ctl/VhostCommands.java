package io.warren.ctl;

import static io.warren.ctl.ManagementClient.path;
import static io.warren.ctl.UserCommands.expectOk;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** add_vhost, delete_vhost, set_permissions and clear_permissions. */
final class VhostCommands {

  private VhostCommands() {}

  @Command(name = "add_vhost", description = "Creates a virtual host (no error if it exists).")
  static final class AddVhost implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<vhost>")
    String name;

    @Option(names = "--description", paramLabel = "<description>")
    String description;

    @Option(names = "--tags", paramLabel = "<tags>", description = "comma-separated tags")
    String tags;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Adding vhost \"" + name + "\" ...");
      ObjectNode body = ManagementClient.JSON.createObjectNode();
      if (description != null) {
        body.put("description", description);
      }
      if (tags != null) {
        body.put("tags", tags);
      }
      ManagementClient api = ctl.client();
      expectOk(api, "PUT", path("vhosts", name), api.put(path("vhosts", name), body));
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "delete_vhost", description = "Deletes a virtual host and everything in it.")
  static final class DeleteVhost implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<vhost>")
    String name;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Deleting vhost \"" + name + "\" ...");
      ManagementClient api = ctl.client();
      ManagementClient.Response r = api.delete(path("vhosts", name));
      if (r.notFound()) {
        throw CtlException.plain(ExitCode.DATA_ERROR, "Virtual host '%s' does not exist", name);
      }
      expectOk(api, "DELETE", path("vhosts", name), r);
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "set_permissions", description = "Sets user permissions for a vhost: "
      + "regular expressions for configure, write and read.")
  static final class SetPermissions implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Parameters(index = "1", paramLabel = "<conf>")
    String configure;

    @Parameters(index = "2", paramLabel = "<write>")
    String write;

    @Parameters(index = "3", paramLabel = "<read>")
    String read;

    @Override
    public Integer call() {
      Output out = ctl.output();
      String vhost = ctl.vhost();
      out.banner("Setting permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
      ManagementClient api = ctl.client();
      requireVhostAndUser(api, vhost, user);
      ObjectNode body = ManagementClient.JSON.createObjectNode();
      body.put("configure", configure);
      body.put("write", write);
      body.put("read", read);
      String path = path("permissions", vhost, user);
      expectOk(api, "PUT", path, api.put(path, body));
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "clear_permissions", description = "Revokes user permissions for a vhost.")
  static final class ClearPermissions implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Override
    public Integer call() {
      Output out = ctl.output();
      String vhost = ctl.vhost();
      out.banner("Clearing permissions for user \"" + user + "\" in vhost \"" + vhost + "\" ...");
      ManagementClient api = ctl.client();
      requireVhostAndUser(api, vhost, user);
      String path = path("permissions", vhost, user);
      ManagementClient.Response r = api.delete(path);
      // clearing permissions that were never set is not an error for rabbitmqctl
      if (!r.notFound()) {
        expectOk(api, "DELETE", path, r);
      }
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  /**
   * The API answers 400 "vhost_or_user_not_found" without saying which; rabbitmqctl names the
   * missing one and exits differently for each, so both are looked up first.
   */
  private static void requireVhostAndUser(ManagementClient api, String vhost, String user) {
    if (api.find(path("vhosts", vhost)).isEmpty()) {
      throw CtlException.error(ExitCode.UNAVAILABLE, "Virtual host %s does not exist", vhost);
    }
    if (api.find(path("users", user)).isEmpty()) {
      throw CtlException.error(ExitCode.NO_USER, "User %s does not exist", user);
    }
  }
}
