package dev.strata.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata umount C}: drops one mount of the container's root filesystem. */
@Command(name = "umount", aliases = "unmount", description = "Unmount a container's root filesystem.")
final class UmountCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Override
  public Integer call() throws Exception {
    try (Stores stores = top.openStores()) {
      stores.containers.unmount(stores.containers.get(container));
      spec.commandLine().getOut().println(container);
    }
    return ExitCodes.OK;
  }
}
