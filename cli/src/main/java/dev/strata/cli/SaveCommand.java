package dev.strata.cli;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata save -o FILE IMAGE...}: {@code docker save}. The archive is written beside
 * {@code FILE} under a temporary name and renamed when complete, so a failed save leaves no
 * truncated archive behind.
 */
@Command(name = "save", description = "Save images to a tar archive (docker-archive that is also an OCI layout).")
final class SaveCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "Archive to write.")
  Path output;

  @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images by tag or id.")
  List<String> images;

  @Override
  public Integer call() throws Exception {
    Path target = output.toAbsolutePath();
    Path temp = target.resolveSibling("." + target.getFileName() + ".partial");
    try (Stores stores = top.openStores()) {
      long total = 0;
      for (String ref : images) {
        total += stores.images.get(ref).size();
      }
      try (Progress progress = top.progress(spec.commandLine().getErr(), "Saving", total);
           OutputStream out = new BufferedOutputStream(progress.counting(Files.newOutputStream(temp)), 1 << 16)) {
        stores.archives.save(images, out);
      }
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return ExitCodes.OK;
  }
}
