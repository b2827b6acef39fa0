package dev.strata.cli;

import dev.strata.image.Image;
import dev.strata.image.Reference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata images}: one row per tag (an untagged image as {@code <none>}), newest first,
 * like {@code docker images}. With {@code --format json} the id is full, the time RFC 3339 and
 * the size in bytes.
 */
@Command(name = "images", description = "List images.")
final class ImagesCommand implements Callable<Integer> {

  private static final List<String> COLUMNS = List.of("repository", "tag", "image_id", "created", "size");

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    boolean json = top.format == StrataCommand.Format.json;
    Instant now = Instant.now();
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Stores stores = top.openStores()) {
      for (Image image : stores.images.images()) {
        List<Reference> tags = image.tags().isEmpty() ? List.of() : image.tags();
        for (int i = 0; i < Math.max(1, tags.size()); i++) {
          Map<String, Object> row = new LinkedHashMap<>();
          row.put("repository", tags.isEmpty() ? "<none>" : tags.get(i).name());
          row.put("tag", tags.isEmpty() ? "<none>" : tags.get(i).tag());
          row.put("image_id", json ? image.id().toString() : image.id().shortId());
          row.put("created", json ? image.created().toString() : Ages.ago(image.created(), now));
          row.put("size", json ? (Object) image.size() : Output.size(image.size()));
          if (json) {
            row.put("layers", image.layerCount());
          }
          rows.add(row);
        }
      }
    }
    new Output(spec.commandLine().getOut(), top.format).table(COLUMNS, rows);
    return ExitCodes.OK;
  }
}
