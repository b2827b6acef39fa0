package dev.strata.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata mount C}: mounts the container's root filesystem and prints its path as the last
 * line of stdout, for scripts ({@code rootfs=$(strata mount c1 | tail -n1)}). Mounts are counted;
 * each needs an {@code umount}.
 */
@Command(name = "mount", description = "Mount a container's root filesystem and print its path.")
final class MountCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Override
  public Integer call() throws Exception {
    try (Stores stores = top.openStores()) {
      Path rootfs = stores.containers.mount(stores.containers.get(container));
      spec.commandLine().getOut().println(rootfs);
    }
    return ExitCodes.OK;
  }
}
