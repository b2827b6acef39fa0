package dev.strata.cli;

import dev.strata.driver.error.NotFoundException;
import dev.strata.image.Image;
import dev.strata.image.Reference;
import dev.strata.layer.Layer;
import dev.strata.tar.Decompression;
import dev.strata.tar.LayerDiffer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata import DIR|TAR [--tag T]}: a one-layer image from a directory tree or a layer
 * tar (plain or compressed), as {@code docker import} makes from a tarball. Prints the image id.
 *
 * <p>An empty tar (no bytes at all, or an end-of-archive block before any entry) is imported as
 * Docker imports it, an image with one empty layer, and a warning on stderr says so: a tar that
 * came out empty is usually a mistake upstream, and a silent empty image hides it until a
 * container fails to start.
 */
@Command(name = "import", description = "Make a one-layer image from a directory or a layer tar.")
final class ImportCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR|TAR", description = "Directory tree or layer tar.")
  Path source;

  @Option(names = {"-t", "--tag"}, paramLabel = "NAME[:TAG]", description = "Tag for the new image.")
  List<String> tags = List.of();

  private static final int TAR_BLOCK = 512;

  /** Whether the tar registered held no entry. */
  private boolean empty;

  @Override
  public Integer call() throws Exception {
    if (!Files.exists(source)) {
      throw new NotFoundException(source.toString(), "nothing to import at " + source);
    }
    for (String tag : tags) {
      Reference.parse(tag);
    }
    try (Stores stores = top.openStores()) {
      Layer layer = Files.isDirectory(source) ? registerTree(stores) : register(stores, source);
      try {
        Instant now = Instant.now();
        byte[] config = new ImageConfigs().imported(layer.diffId(), now,
            "strata import " + source.getFileName());
        Image image = stores.images.add(config, tags);
        if (empty) {
          spec.commandLine().getErr().println("warning: nothing to import in " + source
              + (Files.isDirectory(source) ? " (an empty directory)" : " (a tar without entries)")
              + ": the image has one empty layer, as docker import makes");
        }
        spec.commandLine().getOut().println(image.id());
      } finally {
        // The image holds its own reference now; drop the one register took.
        stores.layers.release(layer.chainId());
      }
    }
    return ExitCodes.OK;
  }

  private Layer registerTree(Stores stores) throws Exception {
    Path tar = Files.createTempFile(Files.createDirectories(stores.tmp()), "import-", ".tar");
    try {
      try (OutputStream out = Files.newOutputStream(tar)) {
        new LayerDiffer().writeDiff(Optional.empty(), source, out);
      }
      return register(stores, tar);
    } finally {
      Files.deleteIfExists(tar);
    }
  }

  private Layer register(Stores stores, Path tar) throws Exception {
    empty = endsBeforeAnyEntry(tar);
    try (InputStream in = Files.newInputStream(tar)) {
      return stores.layers.register(in, Optional.empty(), Optional.empty());
    }
  }

  /**
   * True when the tar, once decompressed, ends before its first entry: no bytes at all, or a first
   * block of zeros (the end-of-archive marker). A first block that is neither is left to the
   * register to accept or refuse.
   */
  private static boolean endsBeforeAnyEntry(Path tar) throws IOException {
    try (InputStream in = Decompression.open(Files.newInputStream(tar))) {
      for (byte b : in.readNBytes(TAR_BLOCK)) {
        if (b != 0) {
          return false;
        }
      }
      return true;
    }
  }
}
