package dev.strata.cli;

import dev.strata.image.ImageId;
import dev.strata.usage.ContainerUsage;
import dev.strata.usage.ImageUsage;
import dev.strata.usage.Totals;
import dev.strata.usage.UsageReport;
import dev.strata.usage.VolumeUsage;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code strata system df}'s tables, in {@code docker system df}'s shape. */
final class UsageTables {

  private static final List<String> SUMMARY = List.of("type", "total", "active", "size", "reclaimable");
  private static final List<String> IMAGES = List.of(
      "repository", "tag", "image_id", "created", "size", "shared_size", "unique_size", "containers");
  private static final List<String> CONTAINERS = List.of("container_id", "image", "size", "created", "names");
  private static final List<String> VOLUMES = List.of("volume_name", "links", "size");

  private final PrintWriter out;
  private final Output table;

  UsageTables(PrintWriter out) {
    this.out = out;
    this.table = new Output(out, StrataCommand.Format.table);
  }

  void print(UsageReport df, boolean verbose) throws IOException {
    if (!verbose) {
      table.table(SUMMARY, List.of(
          summary("Images", df.images()), summary("Containers", df.containers()),
          summary("Local Volumes", df.volumes())));
      return;
    }
    Instant now = Instant.now();
    out.println("Images space usage:");
    out.println();
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ImageUsage i : df.imageList()) {
      rows.add(image(i, now));
    }
    table.table(IMAGES, rows);
    out.println();
    out.println("Containers space usage:");
    out.println();
    rows = new ArrayList<>();
    for (ContainerUsage c : df.containerList()) {
      rows.add(container(c, now));
    }
    table.table(CONTAINERS, rows);
    out.println();
    out.println("Local Volumes space usage:");
    out.println();
    rows = new ArrayList<>();
    for (VolumeUsage v : df.volumeList()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("volume_name", v.name());
      row.put("links", v.links());
      row.put("size", HumanSizes.of(v.sizeBytes()));
      rows.add(row);
    }
    table.table(VOLUMES, rows);
  }

  private static Map<String, Object> summary(String type, Totals t) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("type", type);
    row.put("total", t.total());
    row.put("active", t.active());
    row.put("size", HumanSizes.of(t.sizeBytes()));
    row.put("reclaimable", HumanSizes.reclaimable(t.reclaimableBytes(), t.sizeBytes()));
    return row;
  }

  /** Docker shows an image's first tag, or {@code <none>} for a dangling one. */
  private static Map<String, Object> image(ImageUsage i, Instant now) {
    String repo = "<none>";
    String tag = "<none>";
    if (!i.repoTags().isEmpty()) {
      String first = i.repoTags().get(0);
      int colon = first.lastIndexOf(':');
      repo = first.substring(0, colon);
      tag = first.substring(colon + 1);
    }
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("repository", repo);
    row.put("tag", tag);
    row.put("image_id", ImageId.parse(i.id()).shortId());
    row.put("created", Ages.ago(i.created(), now));
    row.put("size", HumanSizes.of(i.sizeBytes()));
    row.put("shared_size", HumanSizes.of(i.sharedSizeBytes()));
    row.put("unique_size", HumanSizes.of(i.uniqueSizeBytes()));
    row.put("containers", i.containers());
    return row;
  }

  private static Map<String, Object> container(ContainerUsage c, Instant now) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("container_id", c.id());
    row.put("image", c.image().isEmpty() ? "<unknown>" : c.image());
    row.put("size", HumanSizes.of(c.writeLayerSizeBytes()));
    row.put("created", Ages.ago(c.created(), now));
    row.put("names", String.join(",", c.names()));
    return row;
  }
}
