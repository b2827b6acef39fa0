package dev.strata.cli;

import dev.strata.json.Json;
import dev.strata.volume.Volume;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A volume as Docker's API shows it ({@code docker volume inspect}): CreatedAt, Driver, Labels,
 * Mountpoint, Name, Options, Scope. Options always go through {@link Volume#printableOptions}, so
 * a password never reaches the output. Labels and Options are {@code {}} when empty, where Docker
 * sometimes prints {@code null}.
 */
final class VolumeJson {

  private VolumeJson() {}

  /** The inspect object. */
  static Map<String, Object> of(Volume v) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("CreatedAt", v.createdAt().truncatedTo(ChronoUnit.SECONDS).toString());
    json.put("Driver", v.driver());
    json.put("Labels", v.labels());
    json.put("Mountpoint", v.mountpoint().toString());
    json.put("Name", v.name());
    json.put("Options", v.printableOptions());
    json.put("Scope", "local");
    return json;
  }

  /**
   * The inspect object with Docker's {@code UsageData}: {@code RefCount} is the number of
   * containers referencing the volume; {@code Size} is -1, Docker's "not computed".
   */
  static Map<String, Object> withUsage(Volume v) {
    Map<String, Object> json = of(v);
    json.put("UsageData", Map.of("RefCount", v.references().size(), "Size", -1));
    return json;
  }

  static String array(List<Map<String, Object>> volumes) {
    return Json.prettyString(volumes);
  }
}
