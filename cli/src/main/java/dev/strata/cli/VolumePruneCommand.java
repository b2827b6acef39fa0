package dev.strata.cli;

import dev.strata.volume.PruneFilter;
import dev.strata.volume.PruneReport;
import dev.strata.volume.VolumeStore;
import java.io.Console;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata volume prune}: {@code docker volume prune}. Asks y/N on a terminal as Docker does;
 * with no terminal to ask on it refuses (exit 2) unless {@code --force}, so a script never deletes
 * data because a pipe happened to say yes.
 */
@Command(name = "prune", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {
        "Remove unused anonymous volumes (all unused volumes with --all).",
        "Asks for confirmation on a terminal; without one, --force is required."})
final class VolumePruneCommand implements Callable<Integer> {

  @ParentCommand VolumeCommand volumes;
  @Spec CommandSpec spec;

  @Option(names = {"-a", "--all"}, description = "Remove unused named volumes too.")
  boolean all;

  // Docker's prune has no short form of --filter: its -f is --force.
  @Option(names = "--filter", paramLabel = "KEY=VALUE",
      description = "label=KEY[=VALUE], label!=KEY[=VALUE], all=true|false.")
  List<String> filters = new ArrayList<>();

  @Option(names = {"-f", "--force"}, description = "Do not ask for confirmation.")
  boolean force;

  @Override
  public Integer call() throws IOException {
    PruneFilter filter = PruneFilter.parse(all, filters);
    PrintWriter out = spec.commandLine().getOut();
    if (!force) {
      Console console = System.console();
      if (!volumes.top.terminal() || console == null) {
        return refuse("no terminal to confirm on; pass --force to remove without asking", ExitCodes.USAGE);
      }
      if (!confirmed(console, filter, out)) {
        return refuse("not confirmed; nothing removed", ExitCodes.OK);
      }
    }
    PruneReport report;
    try (VolumeStore store = volumes.open()) {
      report = store.prune(filter);
    }
    if (!report.deleted().isEmpty()) {
      out.println("Deleted Volumes:");
      report.deleted().forEach(out::println);
      out.println();
    }
    out.println("Total reclaimed space: " + Output.size(report.reclaimedBytes()));
    out.flush();
    return ExitCodes.OK;
  }

  private boolean confirmed(Console console, PruneFilter filter, PrintWriter out) {
    out.print("WARNING! This will remove " + (filter.all() ? "all" : "anonymous")
        + " local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ");
    out.flush();
    String answer = console.readLine();
    return answer != null && List.of("y", "yes").contains(answer.strip().toLowerCase(Locale.ROOT));
  }

  private int refuse(String why, int exit) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("strata: volume prune: " + why);
    err.flush();
    return exit;
  }
}
