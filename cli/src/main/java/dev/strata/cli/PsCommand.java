package dev.strata.cli;

import dev.strata.container.Container;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.Image;
import dev.strata.image.ImageId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata ps}: the containers, their images, when they were made and whether mounted. */
@Command(name = "ps", aliases = "containers", description = "List containers.")
final class PsCommand implements Callable<Integer> {

  private static final List<String> COLUMNS = List.of("name", "image", "image_id", "created", "mounts");

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean json = top.format == StrataCommand.Format.json;
    Instant now = Instant.now();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Stores stores = top.openStores()) {
      for (Container c : stores.containers.list()) {
        int mounts;
        try {
          mounts = stores.containers.mountCount(c);
        } catch (NotFoundException removed) {
          continue; // by another process, after the listing
        }
        Optional<ImageId> id = c.image();
        Optional<Image> image = id.isPresent() ? stores.images.find(id.get().toString()) : Optional.empty();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("name", c.name());
        row.put("image", c.imageRef().isEmpty() ? "<unknown>" : c.imageRef());
        row.put("image_id", id.map(i -> json ? i.toString() : i.shortId()).orElse("<unknown>")
            + (id.isPresent() && image.isEmpty() && !json ? " (removed)" : ""));
        row.put("created", json ? c.created().toString() : Ages.ago(c.created(), now));
        row.put("mounts", mounts);
        rows.add(row);
      }
    }
    new Output(spec.commandLine().getOut(), top.format).table(COLUMNS, rows);
    return ExitCodes.OK;
  }
}
