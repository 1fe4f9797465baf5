package io.warren.ctl;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code warrenctl}: rabbitmqctl's everyday commands, with its names, arguments, output and
 * exit codes, for a broker reached over the management HTTP API instead of Erlang distribution.
 *
 * <p>Global options may come before or after the command, as with rabbitmqctl. The API is found
 * at {@code WARREN_MGMT_URL} (e.g. {@code http://guest:guest@localhost:15672}) or
 * {@code http://localhost:15672} with guest/guest; {@code --host}, {@code --port},
 * {@code --username} and {@code --password} override parts of it.
 */
@Command(name = "warrenctl", synopsisSubcommandLabel = "<command>",
    description = "Manages a running Warren (or RabbitMQ) broker through its management HTTP API.",
    footer = {"", "Run 'warrenctl help <command>' to learn more about a command.",
        "Exit codes as rabbitmqctl: 64 usage, 65 no such vhost or bad input, 67 no such user,",
        "69 broker unreachable or target missing, 70 refused, 75 timeout, 77 credentials refused."})
public final class WarrenCtl implements Callable<Integer> {

  /** Environment variable holding the management API's URL, credentials optional. */
  public static final String URL_ENV = "WARREN_MGMT_URL";
  static final String DEFAULT_URL = "http://localhost:15672";
  static final String DEFAULT_USER = "guest";

  @Option(names = "--host", scope = ScopeType.INHERIT, paramLabel = "<host>",
      description = "management API host (default: localhost, or WARREN_MGMT_URL's)")
  String host;

  @Option(names = "--port", scope = ScopeType.INHERIT, paramLabel = "<port>",
      description = "management API port (default: 15672, or WARREN_MGMT_URL's)")
  Integer port;

  @Option(names = "--username", scope = ScopeType.INHERIT, paramLabel = "<user>",
      description = "user for HTTP basic auth (default: guest)")
  String username;

  @Option(names = "--password", scope = ScopeType.INHERIT, paramLabel = "<password>",
      description = "password for HTTP basic auth (default: guest)")
  String password;

  @Option(names = {"-p", "--vhost"}, scope = ScopeType.INHERIT, paramLabel = "<vhost>",
      defaultValue = "/", description = "virtual host for vhost-scoped commands (default: /)")
  String vhost;

  @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
      description = "suppress informational messages")
  boolean quiet;

  @Option(names = {"-s", "--silent"}, scope = ScopeType.INHERIT,
      description = "suppress informational messages and table header row")
  boolean silent;

  @Option(names = "--no-table-headers", scope = ScopeType.INHERIT,
      description = "do not print the header row of a listing")
  boolean noTableHeaders;

  @Option(names = "--formatter", scope = ScopeType.INHERIT, paramLabel = "<json|table>",
      description = "output format (default: table)")
  String formatter;

  @Option(names = {"-t", "--timeout"}, scope = ScopeType.INHERIT, paramLabel = "<seconds>",
      defaultValue = "60", description = "timeout of each request in seconds (default: 60)")
  int timeoutSeconds;

  @Option(names = {"-?", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
      description = "display help")
  boolean help;

  private final Map<String, String> env;
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;
  private ManagementClient client;
  private Output output;
  private String nodeName;

  private WarrenCtl(Map<String, String> env, InputStream in, PrintStream out, PrintStream err) {
    this.env = env;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  public static void main(String[] args) {
    PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    PrintStream err = new PrintStream(System.err, true, StandardCharsets.UTF_8);
    System.exit(run(args, System.getenv(), System.in, out, err));
  }

  /** Runs one command line and returns the exit code; the whole program, minus System.exit. */
  static int run(String[] args, Map<String, String> env, InputStream in, PrintStream out,
      PrintStream err) {
    WarrenCtl ctl = new WarrenCtl(env, in, out, err);
    CommandLine cl = commandLine(ctl);
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    cl.setExecutionExceptionHandler((e, command, parsed) -> ctl.onFailure(e, command, args));
    cl.setParameterExceptionHandler((e, given) -> ctl.onBadArguments(e, given));
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static CommandLine commandLine(WarrenCtl ctl) {
    CommandLine cl = new CommandLine(ctl);
    cl.addSubcommand(new Help());
    for (Listing listing : Listing.values()) {
      CommandLine sub = new CommandLine(new ListCommand(listing));
      sub.getCommandSpec().usageMessage()
          .description(listing.description)
          .footer(listing.takesColumns ? new String[] {"", "<column> " + listing.columnHelp()}
              : new String[0]);
      cl.addSubcommand(listing.command, sub);
    }
    for (Object command : List.of(
        new UserCommands.AddUser(), new UserCommands.DeleteUser(),
        new UserCommands.ChangePassword(), new UserCommands.SetUserTags(),
        new VhostCommands.AddVhost(), new VhostCommands.DeleteVhost(),
        new VhostCommands.SetPermissions(), new VhostCommands.ClearPermissions(),
        new QueueCommands.PurgeQueue(), new QueueCommands.DeleteQueue(),
        new CloseConnection(),
        new StatusCommand(),
        new DefinitionsCommands.ExportDefinitions(), new DefinitionsCommands.ImportDefinitions())) {
      cl.addSubcommand(command);
    }
    // "warrenctl list_queues [OPTIONS] [<column>...]": the inherited options would fill lines
    cl.getSubcommands().values()
        .forEach(sub -> sub.getCommandSpec().usageMessage().abbreviateSynopsis(true));
    return cl;
  }

  /** No command given. */
  @Override
  public Integer call() {
    err.println("Error: no command given.");
    err.println();
    CommandLine.usage(this, err);
    return ExitCode.USAGE;
  }

  /** {@code help [command]}: picocli's own HelpCommand clashes with the inherited --help. */
  @Command(name = "help", description = "Displays usage information for a command.")
  static final class Help implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(arity = "0..1", paramLabel = "<command>")
    String command;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      CommandLine root = spec.parent().commandLine();
      if (command == null) {
        root.usage(ctl.out);
        return ExitCode.OK;
      }
      CommandLine sub = root.getSubcommands().get(command);
      if (sub == null) {
        throw CtlException.usage("command '%s' not found", command);
      }
      sub.usage(ctl.out);
      return ExitCode.OK;
    }
  }

  // ---- what commands use ----

  String vhost() {
    return vhost;
  }

  int timeoutSeconds() {
    return timeoutSeconds;
  }

  ManagementClient client() {
    if (client == null) {
      Endpoint endpoint = endpoint();
      client = new ManagementClient(endpoint.api(), endpoint.username(), endpoint.password(),
          Duration.ofSeconds(Math.max(1, timeoutSeconds)));
    }
    return client;
  }

  Output output() {
    if (output == null) {
      Output.Format format;
      if (formatter == null || formatter.equals("table")) {
        format = Output.Format.TABLE;
      } else if (formatter.equals("json")) {
        format = Output.Format.JSON;
      } else {
        throw CtlException.usage("formatter '%s' is not supported; use json or table", formatter);
      }
      output = new Output(out, quiet || silent, !(silent || noTableHeaders), format);
    }
    return output;
  }

  /** The broker's node name, as JSON results report it; asked for once. */
  String nodeName() {
    if (nodeName == null) {
      nodeName = client().get("/overview").path("node").asText("");
    }
    return nodeName;
  }

  /** Standard input ({@code import_definitions -}). */
  InputStream stdin() {
    return in;
  }

  // ---- where the API is ----

  /** The API root and the credentials, from WARREN_MGMT_URL and the flags. */
  record Endpoint(URI api, String username, String password) {}

  Endpoint endpoint() {
    String url = env.getOrDefault(URL_ENV, "");
    URI base = URI.create(url.isBlank() ? DEFAULT_URL : url.strip());
    if (base.getScheme() == null || base.getHost() == null) {
      throw CtlException.usage(
          "%s must be a URL such as http://guest:guest@localhost:15672, not '%s'", URL_ENV, url);
    }
    String user = DEFAULT_USER;
    String pass = DEFAULT_USER;
    if (base.getRawUserInfo() != null) {
      String[] parts = base.getRawUserInfo().split(":", 2);
      user = decode(parts[0]);
      pass = parts.length > 1 ? decode(parts[1]) : pass;
    }
    String h = host != null ? host : base.getHost();
    if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    int p = port != null ? port : base.getPort() != -1 ? base.getPort()
        : url.isBlank() ? 15672 : base.getScheme().equals("https") ? 443 : 80;
    String path = base.getRawPath() == null ? "" : base.getRawPath();
    path = path.replaceAll("/+$", "");
    if (path.endsWith("/api")) {
      path = path.substring(0, path.length() - 4);
    }
    URI api = URI.create(base.getScheme() + "://" + h + ":" + p + path + "/api");
    return new Endpoint(api, username != null ? username : user,
        password != null ? password : pass);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  // ---- the two places failures are printed ----

  private int onFailure(Exception e, CommandLine command, String[] args) {
    if (e instanceof CtlException failure) {
      failure.print(err);
      if (failure.style() == CtlException.Style.USAGE) {
        printArgumentsAndUsage(command, args);
      }
      return failure.exitCode();
    }
    err.println("Error:");
    err.println(e);
    return ExitCode.SOFTWARE;
  }

  private int onBadArguments(ParameterException e, String[] args) {
    CommandLine command = e.getCommandLine();
    String stray = e instanceof CommandLine.UnmatchedArgumentException unmatched
        && !unmatched.getUnmatched().isEmpty() && !unmatched.getUnmatched().get(0).startsWith("-")
        ? unmatched.getUnmatched().get(0) : null;
    if (command.getCommandSpec().userObject() == this && stray != null) {
      err.println();
      err.println("Command '" + stray + "' not found. ");
      err.println();
      command.usage(err);
      return ExitCode.USAGE;
    }
    String message;
    if (e instanceof CommandLine.MissingParameterException) {
      message = "not enough arguments.";
    } else if (stray != null) {
      message = "too many arguments.";
    } else {
      message = e.getMessage();
    }
    err.println("Error (argument validation): " + message);
    printArgumentsAndUsage(command, args);
    return ExitCode.USAGE;
  }

  private void printArgumentsAndUsage(CommandLine command, String[] args) {
    err.println("Arguments given:");
    err.println("\t" + String.join(" ", args));
    err.println();
    err.println("Usage");
    err.println();
    err.print(command.getHelp().synopsis(0));
  }
}
