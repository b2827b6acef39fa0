package dev.strata.cli;

import dev.strata.container.RuntimeBundles;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata bundle [-t] C DIR [-- COMMAND...]}: mounts the container and writes {@code
 * DIR/config.json}, an OCI runtime bundle for runc ({@code runc run -b DIR ID}). Prints the
 * bundle's absolute path as the last line of stdout. The mount is counted like {@code strata
 * mount}'s: the root filesystem and the volumes stay mounted until {@code strata umount C}.
 */
@Command(name = "bundle", description = {
    "Write an OCI runtime bundle (DIR/config.json) for a container, for runc run -b DIR.",
    "The container's root filesystem is mounted as by `strata mount` and stays mounted (with its"
        + " volumes) until `strata umount CONTAINER`; each bundle needs one umount.",
    "DIR is created when missing; an existing DIR must be empty or hold only a previous config.json."})
final class BundleCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-t", "--tty"}, description = "Give the process a terminal (process.terminal).")
  boolean terminal;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Parameters(index = "1", paramLabel = "DIR", description = "The bundle directory.")
  Path dir;

  @Parameters(index = "2..*", paramLabel = "COMMAND",
      description = "After --: the command to run instead of the image's Cmd (after its Entrypoint).")
  List<String> command = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    try (Stores stores = top.openStores()) {
      RuntimeBundles bundles = new RuntimeBundles(stores.containers, stores.images, stores.volumes);
      bundles.write(stores.containers.get(container), dir.toAbsolutePath(), command, terminal);
      spec.commandLine().getOut().println(dir.toAbsolutePath());
    }
    return ExitCodes.OK;
  }
}
