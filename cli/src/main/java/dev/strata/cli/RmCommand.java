package dev.strata.cli;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata rm [-f] [-v] C...}: removes containers (write layer, init layer, record) and their
 * volume references ({@code -v}: their anonymous volumes too, as Docker). A mounted
 * container is refused unless {@code -f}, which unmounts it first. Goes on past a failure and
 * exits with the first failure's code.
 */
@Command(name = "rm", description = "Remove containers.")
final class RmCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--force"}, description = "Unmount a mounted container first.")
  boolean force;

  @Option(names = {"-v", "--volumes"}, description = "Remove the container's anonymous volumes too.")
  boolean volumes;

  @Parameters(arity = "1..*", paramLabel = "CONTAINER")
  List<String> containers;

  @Override
  public Integer call() throws IOException {
    try (Stores stores = top.openStores()) {
      return EachArgument.run(containers, spec, top.debug, name -> {
        stores.containers.remove(stores.containers.get(name), force, volumes);
        spec.commandLine().getOut().println(name);
      });
    }
  }
}
