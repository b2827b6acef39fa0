package dev.strata.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A root as {@code strata} shows it, read in-process through the command's JSON listings. */
final class ListedRoot {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** An image by one of its tags: its id and how many layers it has. */
  record ImageRow(String id, int layers) {}

  /** A volume: its references and where its data lives. */
  record VolumeRow(int references, Path mountpoint) {}

  private final String driver;
  private final Path root;

  ListedRoot(String driver, Path root) {
    this.driver = driver;
    this.root = root;
  }

  Path root() {
    return root;
  }

  /** Runs {@code strata --root ROOT --driver DRIVER args...} in this process. */
  Cli.Result run(String... args) {
    List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--driver", driver));
    all.addAll(List.of(args));
    return Cli.runRaw(all.toArray(String[]::new));
  }

  /** Runs and fails unless the command exits 0. */
  Cli.Result ok(String... args) {
    Cli.Result r = run(args);
    if (r.exit() != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " failed on " + root + ": " + r);
    }
    return r;
  }

  Map<String, ImageRow> images() {
    Map<String, ImageRow> byTag = new LinkedHashMap<>();
    for (JsonNode row : json("images")) {
      String tag = row.get("repository").asText() + ":" + row.get("tag").asText();
      byTag.put(tag, new ImageRow(row.get("image_id").asText(), row.get("layers").asInt()));
    }
    return byTag;
  }

  int layerCount() {
    return json("layers").size();
  }

  /** Containers by name, each with the image reference its record holds ({@code <unknown>} without one). */
  Map<String, String> containers() {
    Map<String, String> byName = new LinkedHashMap<>();
    for (JsonNode row : json("ps")) {
      byName.put(row.get("name").asText(), row.get("image").asText());
    }
    return byName;
  }

  /** Containers by name, each with its counted mounts. */
  Map<String, Integer> containerMounts() {
    Map<String, Integer> byName = new LinkedHashMap<>();
    for (JsonNode row : json("ps")) {
      byName.put(row.get("name").asText(), row.get("mounts").asInt());
    }
    return byName;
  }

  /** How many times the container's root is mounted, as {@code strata ps} counts. */
  int mounts(String container) {
    Integer mounts = containerMounts().get(container);
    if (mounts == null) {
      throw new AssertionError("no container " + container + " on " + root);
    }
    return mounts;
  }

  Map<String, VolumeRow> volumes() {
    Map<String, VolumeRow> byName = new LinkedHashMap<>();
    for (JsonNode v : json("volume", "ls")) {
      byName.put(v.get("Name").asText(), new VolumeRow(v.get("UsageData").get("RefCount").asInt(),
          Path.of(v.get("Mountpoint").asText())));
    }
    return byName;
  }

  Optional<VolumeRow> volume(String name) {
    return Optional.ofNullable(volumes().get(name));
  }

  List<String> diff(String container) {
    return ok("diff", container).lines();
  }

  /** {@code strata check --format json}: its exit code and the kinds of what it found. */
  record Check(int exit, List<String> kinds, String output) {}

  /** {@code strata check}; {@code quick} skips re-hashing the layers. */
  Check check(boolean quick) {
    Cli.Result r = quick ? run("--format", "json", "check", "--quick") : run("--format", "json", "check");
    List<String> kinds = new ArrayList<>();
    try {
      for (JsonNode f : JSON.readTree(r.out()).get("findings")) {
        kinds.add(f.get("kind").asText());
      }
    } catch (IOException | RuntimeException e) {
      throw new AssertionError("check printed no report: " + r, e);
    }
    return new Check(r.exit(), kinds, r.toString());
  }

  private JsonNode json(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--format";
    all[1] = "json";
    System.arraycopy(args, 0, all, 2, args.length);
    try {
      return JSON.readTree(ok(all).out());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
