package dev.strata.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The pages' files, read from the jar ({@code console/} in the resources): one HTML shell for
 * every page, its script and style, and the OpenAPI description. Only the files named here are
 * served, so no path from a request ever reaches the class loader.
 */
final class Assets {

  /** The pages; each is the shell, whose script draws the page its path names. */
  static final Set<String> PAGES = Set.of("/", "/images", "/image", "/layers", "/containers", "/volumes", "/check");

  private static final Map<String, String> FILES = Map.of(
      "/assets/app.js", "text/javascript; charset=utf-8",
      "/assets/app.css", "text/css; charset=utf-8",
      "/api/openapi.yaml", "application/yaml; charset=utf-8");

  record Asset(String contentType, byte[] body) {}

  private final Map<String, Asset> loaded;

  Assets() {
    loaded = new java.util.HashMap<>();
    for (Map.Entry<String, String> f : FILES.entrySet()) {
      loaded.put(f.getKey(), new Asset(f.getValue(), read(f.getKey().substring(f.getKey().lastIndexOf('/') + 1))));
    }
    loaded.put("shell", new Asset("text/html; charset=utf-8", read("index.html")));
  }

  Optional<Asset> file(String path) {
    return Optional.ofNullable(loaded.get(path));
  }

  Asset shell() {
    return loaded.get("shell");
  }

  private static byte[] read(String name) {
    try (InputStream in = Assets.class.getResourceAsStream("/console/" + name)) {
      if (in == null) {
        throw new IllegalStateException("console/" + name + " is missing from the jar: a broken build");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read console/" + name + " from the jar", e);
    }
  }
}
