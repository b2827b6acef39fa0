package dev.strata.cli;

import dev.strata.usage.ContainerUsage;
import dev.strata.usage.ImageUsage;
import dev.strata.usage.Totals;
import dev.strata.usage.UsageReport;
import dev.strata.usage.VolumeUsage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code strata system df --format json}'s object; field names are documented in {@link SystemDfCommand}. */
final class UsageJson {

  private UsageJson() {}

  static Map<String, Object> of(UsageReport df, boolean verbose) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("images", totals(df.images(), verbose, df.imageList().stream().map(UsageJson::image).toList()));
    json.put("containers", totals(df.containers(), verbose,
        df.containerList().stream().map(UsageJson::container).toList()));
    json.put("volumes", totals(df.volumes(), verbose, df.volumeList().stream().map(UsageJson::volume).toList()));
    return json;
  }

  private static Map<String, Object> totals(Totals t, boolean verbose, List<Map<String, Object>> list) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total", t.total());
    m.put("active", t.active());
    m.put("size_bytes", t.sizeBytes());
    m.put("reclaimable_bytes", t.reclaimableBytes());
    if (verbose) {
      m.put("list", list);
    }
    return m;
  }

  private static Map<String, Object> image(ImageUsage i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", i.id());
    m.put("repo_tags", i.repoTags());
    m.put("created", i.created().toString());
    m.put("size_bytes", i.sizeBytes());
    m.put("shared_size_bytes", i.sharedSizeBytes());
    m.put("unique_size_bytes", i.uniqueSizeBytes());
    m.put("containers", i.containers());
    return m;
  }

  private static Map<String, Object> container(ContainerUsage c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("names", c.names());
    m.put("image", c.image());
    m.put("size_bytes", c.writeLayerSizeBytes());
    m.put("created", c.created().toString());
    return m;
  }

  private static Map<String, Object> volume(VolumeUsage v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", v.name());
    m.put("links", v.links());
    m.put("size_bytes", v.sizeBytes());
    return m;
  }
}
