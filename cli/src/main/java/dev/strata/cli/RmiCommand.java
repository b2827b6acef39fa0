package dev.strata.cli;

import dev.strata.image.ImageId;
import dev.strata.image.ImageRemoval;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata rmi [-f] IMAGE...}: {@code docker rmi}. Goes on past an image it cannot remove
 * and exits with the first failure's code.
 */
@Command(name = "rmi", description = "Remove images (untag; delete when the last tag goes).")
final class RmiCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--force"}, description = "Remove even if a container uses the image or it has several tags.")
  boolean force;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images by tag, id or id prefix.")
  List<String> images;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (Stores stores = top.openStores()) {
      return EachArgument.run(images, spec, top.debug, ref -> {
        ImageRemoval removal = stores.images.remove(ref, force);
        for (Reference tag : removal.untagged()) {
          out.println("Untagged: " + tag);
        }
        for (ImageId id : removal.deleted()) {
          out.println("Deleted: " + id);
        }
        for (ChainId layer : removal.layersRemoved()) {
          out.println("Deleted: " + layer);
        }
      });
    }
  }
}
