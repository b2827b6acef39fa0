package dev.strata.cli;

import dev.strata.image.Image;
import dev.strata.image.Reference;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata load -i FILE|DIR}: {@code docker load} of a docker-archive or an OCI layout. */
@Command(name = "load", description = "Load images from a docker-archive or OCI layout (tar, compressed tar or directory).")
final class LoadCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-i", "--input"}, required = true, paramLabel = "FILE|DIR", description = "Archive to load.")
  Path input;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    List<Image> loaded;
    try (Stores stores = top.openStores();
         Progress progress = top.progress(spec.commandLine().getErr(), "Loading", ProcessIo.loadEstimate(input));
         ProcessIo.Poller poller = ProcessIo.poll(progress)) {
      loaded = stores.archives.load(input);
    }
    for (Image image : loaded) {
      if (image.tags().isEmpty()) {
        out.println("Loaded image ID: " + image.id());
      }
      for (Reference tag : image.tags()) {
        out.println("Loaded image: " + tag);
      }
    }
    return ExitCodes.OK;
  }
}
