package dev.strata.cli;

import dev.strata.container.Container;
import dev.strata.driver.Digest;
import dev.strata.image.Image;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.layer.LayerStore;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata commit C [NAME[:TAG]]}: the container's changes as a new layer on its image, and
 * a new image whose config is the source image's with that layer's DiffID appended to {@code
 * rootfs.diff_ids}, a history entry, and {@code created} now. Prints the new image's id.
 */
@Command(name = "commit", description = "Make an image from a container's changes.")
final class CommitCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "CONTAINER")
  String container;

  @Parameters(index = "1", arity = "0..1", paramLabel = "NAME[:TAG]", description = "Tag for the new image.")
  String tag;

  @Override
  public Integer call() throws Exception {
    List<String> tags = tag == null ? List.of() : List.of(Reference.parse(tag).toString());
    try (Stores stores = top.openStores()) {
      Container c = stores.containers.get(container);
      // The source image may have been removed (rmi -f) since: then a minimal config is the base.
      Optional<Image> source = c.image().isPresent() ? stores.images.find(c.image().get().toString()) : Optional.empty();
      Optional<byte[]> sourceConfig = source.isPresent()
          ? Optional.of(stores.images.config(source.get().id())) : Optional.empty();
      Layer layer;
      long size = stores.layers.writeLayers().size(c.name());
      try (Progress progress = top.progress(spec.commandLine().getErr(), "Committing", size * 2);
           ProcessIo.Poller poller = ProcessIo.poll(progress)) {
        layer = stores.layers.writeLayers().commit(c.name());
      }
      try {
        byte[] config = new ImageConfigs().committed(sourceConfig, diffIds(stores.layers, layer), Instant.now(),
            "strata commit " + c.name());
        Image image = stores.images.add(config, tags);
        spec.commandLine().getOut().println(image.id());
      } finally {
        // The image holds its own reference on the new layer; drop the one commit took.
        stores.layers.release(layer.chainId());
      }
    }
    return ExitCodes.OK;
  }

  /** The DiffIDs of the stack under and including {@code top}, base first. */
  private static List<Digest> diffIds(LayerStore layers, Layer top) throws IOException {
    List<Digest> ids = new ArrayList<>();
    Optional<Layer> next = Optional.of(top);
    while (next.isPresent()) {
      ids.add(next.get().diffId());
      Optional<ChainId> parent = next.get().parent();
      next = parent.isPresent() ? layers.get(parent.get()) : Optional.empty();
    }
    Collections.reverse(ids);
    return ids;
  }
}
