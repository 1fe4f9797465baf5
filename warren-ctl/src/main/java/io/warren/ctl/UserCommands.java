package io.warren.ctl;

import static io.warren.ctl.ManagementClient.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * add_user, delete_user, change_password and set_user_tags, over {@code /api/users/{name}}.
 *
 * <p>The API's PUT replaces a user whole: a body without a password leaves the user with none.
 * So change_password sends the current tags along, and set_user_tags sends the current
 * password hash back; add_user looks first, because PUT would silently overwrite.
 */
final class UserCommands {

  private UserCommands() {}

  static final String GRANT_HINT = "Done. Don't forget to grant the user permissions to some "
      + "virtual hosts! See 'warrenctl help set_permissions' to learn more.";

  @Command(name = "add_user", description = "Creates a new user. The user has no permissions "
      + "for any virtual host until set_permissions grants some.")
  static final class AddUser implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Parameters(index = "1", paramLabel = "<password>")
    String password;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Adding user \"" + user + "\" ...");
      ManagementClient api = ctl.client();
      if (api.find(path("users", user)).isPresent()) {
        throw CtlException.error(ExitCode.SOFTWARE, "User \"%s\" already exists", user);
      }
      ObjectNode body = ManagementClient.JSON.createObjectNode();
      body.put("password", password);
      body.put("tags", "");
      expectOk(api, "PUT", path("users", user), api.put(path("users", user), body));
      out.banner(GRANT_HINT);
      if (out.json()) {
        ObjectNode result = ManagementClient.JSON.createObjectNode();
        result.put("message", GRANT_HINT);
        result.put("node", ctl.nodeName());
        result.put("status", "ok");
        out.json(result);
      }
      return ExitCode.OK;
    }
  }

  @Command(name = "delete_user", description = "Removes a user.")
  static final class DeleteUser implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Deleting user \"" + user + "\" ...");
      ManagementClient api = ctl.client();
      ManagementClient.Response r = api.delete(path("users", user));
      if (r.notFound()) {
        throw noSuchUser(user);
      }
      expectOk(api, "DELETE", path("users", user), r);
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "change_password", description = "Changes the user password.")
  static final class ChangePassword implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Parameters(index = "1", paramLabel = "<password>")
    String password;

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Changing password for user \"" + user + "\" ...");
      ManagementClient api = ctl.client();
      JsonNode existing = api.find(path("users", user)).orElseThrow(() -> noSuchUser(user));
      ObjectNode body = ManagementClient.JSON.createObjectNode();
      body.put("password", password);
      body.put("tags", String.join(",", tags(existing)));
      expectOk(api, "PUT", path("users", user), api.put(path("users", user), body));
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "set_user_tags", description = "Sets user tags (administrator, monitoring, "
      + "management, ...); no tags clears them.")
  static final class SetUserTags implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<username>")
    String user;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "<tag>")
    List<String> tags = new ArrayList<>();

    @Override
    public Integer call() {
      Output out = ctl.output();
      out.banner("Setting tags for user \"" + user + "\" to [" + String.join(", ", tags) + "] ...");
      ManagementClient api = ctl.client();
      JsonNode existing = api.find(path("users", user)).orElseThrow(() -> noSuchUser(user));
      JsonNode hash = existing.path("password_hash");
      if (!hash.isTextual()) {
        throw CtlException.error(ExitCode.SOFTWARE, "The management API did not return the "
            + "password hash of user \"%s\"; its tags cannot be set without losing its password",
            user);
      }
      ObjectNode body = ManagementClient.JSON.createObjectNode();
      body.put("password_hash", hash.asText());
      if (existing.path("hashing_algorithm").isTextual()) {
        body.put("hashing_algorithm", existing.path("hashing_algorithm").asText());
      }
      body.put("tags", String.join(",", tags));
      expectOk(api, "PUT", path("users", user), api.put(path("users", user), body));
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  static CtlException noSuchUser(String user) {
    return CtlException.error(ExitCode.NO_USER, "User \"%s\" does not exist", user);
  }

  /** A user's tags, whether the API gives a list or a comma-separated string. */
  static List<String> tags(JsonNode user) {
    List<String> tags = new ArrayList<>();
    JsonNode t = user.path("tags");
    if (t.isArray()) {
      t.forEach(x -> tags.add(x.asText()));
    } else if (t.isTextual() && !t.asText().isBlank()) {
      for (String s : t.asText().split(",")) {
        tags.add(s.strip());
      }
    }
    return tags;
  }

  static void expectOk(ManagementClient api, String method, String path,
      ManagementClient.Response r) {
    if (!r.ok()) {
      throw api.unexpected(method, path, r);
    }
  }
}
