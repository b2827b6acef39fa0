package dev.strata.cli;

import dev.strata.tar.LayerDiffer;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata export C -o FILE}: the container's whole filesystem, image and changes flattened,
 * as one tar, like {@code docker export}. Written under a temporary name and renamed when done.
 */
@Command(name = "export", description = "Export a container's flattened filesystem as a tar.")
final class ExportCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Tar to write.")
  Path output;

  @Override
  public Integer call() throws Exception {
    Path target = output.toAbsolutePath();
    Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
    try (Stores stores = top.openStores()) {
      String name = stores.containers.get(container).name();
      Path rootfs = stores.layers.writeLayers().mount(name);
      try {
        LayerDiffer differ = new LayerDiffer();
        long total = top.progress(spec.commandLine().getErr(), "", 0).enabled()
            ? differ.diffSize(Optional.empty(), rootfs) : 0;
        try (Progress progress = top.progress(spec.commandLine().getErr(), "Exporting", total);
             OutputStream out = progress.counting(Files.newOutputStream(temp))) {
          differ.writeDiff(Optional.empty(), rootfs, out);
        }
      } finally {
        stores.layers.writeLayers().unmount(name);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return ExitCodes.OK;
  }
}
