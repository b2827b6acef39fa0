package dev.strata.cli;

import dev.strata.driver.Change;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata diff C}: the container's changes against its image, as {@code docker diff} prints them. */
@Command(name = "diff", description = "Show a container's changes: A added, C changed, D deleted.")
final class DiffCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Stores stores = top.openStores()) {
      for (Change change : stores.layers.writeLayers().changes(stores.containers.get(container).name())) {
        out.println(change);
      }
    }
    return ExitCodes.OK;
  }
}
