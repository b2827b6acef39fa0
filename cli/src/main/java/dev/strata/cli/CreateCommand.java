package dev.strata.cli;

import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata create [--name C] IMAGE}: a container's write layer on the image's top layer,
 * over an init layer with Docker's placeholders. Prints the container's name.
 */
@Command(name = "create", description = "Create a container (a write layer) on an image.")
final class CreateCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "Container name (default: generated).")
  String name;

  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image by tag, id or id prefix.")
  String image;

  @Override
  public Integer call() throws Exception {
    try (Stores stores = top.openStores()) {
      ContainerRecord created = stores.containers.create(Optional.ofNullable(name), image);
      spec.commandLine().getOut().println(created.name());
    }
    return ExitCodes.OK;
  }
}
