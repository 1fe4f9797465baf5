package io.warren.ctl;

import static io.warren.ctl.ManagementClient.path;
import static io.warren.ctl.UserCommands.expectOk;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** purge_queue and delete_queue. */
final class QueueCommands {

  private QueueCommands() {}

  @Command(name = "purge_queue", description = "Purges a queue (removes all messages in it).")
  static final class PurgeQueue implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<queue>")
    String queue;

    @Override
    public Integer call() {
      Output out = ctl.output();
      String vhost = ctl.vhost();
      out.banner("Purging queue '" + queue + "' in vhost '" + vhost + "' ...");
      ManagementClient api = ctl.client();
      String path = path("queues", vhost, queue, "contents");
      ManagementClient.Response r = api.delete(path);
      if (r.notFound()) {
        // rabbitmqctl says just "not_found", with 69
        throw CtlException.error(ExitCode.UNAVAILABLE, "Queue '%s' in vhost '%s' not found",
            queue, vhost);
      }
      expectOk(api, "DELETE", path, r);
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }

  @Command(name = "delete_queue", description = "Deletes a queue.")
  static final class DeleteQueue implements Callable<Integer> {
    @ParentCommand
    WarrenCtl ctl;

    @Parameters(index = "0", paramLabel = "<queue>")
    String queue;

    @Option(names = {"-e", "--if-empty"}, description = "delete the queue only if it is empty")
    boolean ifEmpty;

    @Option(names = {"-u", "--if-unused"},
        description = "delete the queue only if it has no consumers")
    boolean ifUnused;

    @Override
    public Integer call() {
      Output out = ctl.output();
      String vhost = ctl.vhost();
      List<String> conditions = new ArrayList<>();
      List<String> query = new ArrayList<>();
      if (ifEmpty) {
        conditions.add("if queue is empty");
        query.add("if-empty=true");
      }
      if (ifUnused) {
        conditions.add("if queue is unused");
        query.add("if-unused=true");
      }
      out.banner("Deleting queue '" + queue + "' on vhost '" + vhost + "' "
          + (conditions.isEmpty() ? "" : String.join(" and ", conditions) + " ") + "...");

      ManagementClient api = ctl.client();
      String path = path("queues", vhost, queue);
      // rabbitmqctl reports how many ready messages went with the queue; the API's DELETE
      // does not, so the count is read just before (a publish in between is not counted)
      JsonNode before = api.find(path).orElseThrow(() -> CtlException.error(ExitCode.USAGE,
          "Queue '%s' in vhost '%s' not found", queue, vhost));
      String target = query.isEmpty() ? path : path + "?" + String.join("&", query);
      ManagementClient.Response r = api.delete(target);
      if (r.notFound()) {
        throw CtlException.error(ExitCode.USAGE, "Queue '%s' in vhost '%s' not found", queue,
            vhost);
      }
      if (r.status() == 400) {
        String reason = r.reason();
        if (reason.contains("not empty")) {
          throw CtlException.error(ExitCode.USAGE, "Queue is not empty");
        }
        if (reason.contains("in use") || reason.contains("consumers")) {
          throw CtlException.error(ExitCode.USAGE, "Queue is in use");
        }
        throw CtlException.error(ExitCode.USAGE, "%s", reason);
      }
      expectOk(api, "DELETE", target, r);
      out.result("Queue was successfully deleted with " + before.path("messages_ready").asLong(0)
          + " ready messages");
      out.ok(ctl::nodeName);
      return ExitCode.OK;
    }
  }
}
