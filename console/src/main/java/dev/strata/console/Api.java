package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.image.ImageId;
import dev.strata.image.ImageRemoval;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import dev.strata.volume.PruneFilter;
import dev.strata.volume.PruneReport;
import java.io.IOException;
import java.util.List;

/**
 * The JSON API under {@code /api/}, as {@code openapi.yaml} describes it: a route is a method and
 * the path's segments after {@code /api/}. Reads open the stores for the one request; actions are
 * refused here when the console is read-only (the token is checked before, by {@link Csrf}).
 */
final class Api {

  private final StoreAccess access;
  private final ChangeWatch watch;
  private final boolean readOnly;

  Api(StoreAccess access, ChangeWatch watch, boolean readOnly) {
    this.access = access;
    this.watch = watch;
    this.readOnly = readOnly;
  }

  boolean readOnly() {
    return readOnly;
  }

  /** True for the methods that change the root. */
  static boolean isAction(String method) {
    return "POST".equals(method) || "DELETE".equals(method);
  }

  JsonNode answer(String method, List<String> path) throws IOException, ApiException {
    if (isAction(method) && readOnly) {
      throw new ApiException(403, "this console is read-only (strata serve --read-only): " + method
          + " is not served; use the strata command to change the root");
    }
    String route = path.isEmpty() ? "" : path.get(0);
    int n = path.size();
    switch (route) {
      case "info" -> {
        expect(method, "GET", n == 1);
        return Answers.object().put("read_only", readOnly).put("generation", watch.token());
      }
      case "generation" -> {
        expect(method, "GET", n == 1);
        return Answers.object().put("generation", watch.token());
      }
      case "df" -> {
        expect(method, "GET", n == 1);
        try (OpenStores s = access.open()) {
          return new DiskUsageSource(s).report();
        }
      }
      case "images" -> {
        return images(method, path);
      }
      case "layers" -> {
        expect(method, "GET", n == 1);
        try (OpenStores s = access.open()) {
          return new LayersView(s).list();
        }
      }
      case "containers" -> {
        return containers(method, path);
      }
      case "volumes" -> {
        return volumes(method, path);
      }
      case "check" -> {
        expect(method, "GET", n == 1);
        return CheckView.of(access.check());
      }
      default -> throw notFound(path);
    }
  }

  private JsonNode images(String method, List<String> path) throws IOException, ApiException {
    if (path.size() == 1) {
      expect(method, "GET", true);
      try (OpenStores s = access.open()) {
        return new ImagesView(s).list();
      }
    }
    if (path.size() != 2) {
      throw notFound(path);
    }
    String id = Names.imageId(path.get(1));
    if ("GET".equals(method)) {
      try (OpenStores s = access.open()) {
        return new ImagesView(s).detail(id);
      }
    }
    expect(method, "DELETE", true);
    try (OpenStores s = access.open()) {
      // By id and unforced: the store refuses an image a container uses, or one with several tags.
      ImageRemoval removal = s.images.remove(id, false);
      ObjectNode o = Answers.object();
      ArrayNode untagged = o.putArray("untagged");
      removal.untagged().stream().map(Reference::toString).forEach(untagged::add);
      ArrayNode deleted = o.putArray("deleted");
      removal.deleted().stream().map(ImageId::toString).forEach(deleted::add);
      ArrayNode layers = o.putArray("layers_removed");
      removal.layersRemoved().stream().map(ChainId::toString).forEach(layers::add);
      return o;
    }
  }

  private JsonNode containers(String method, List<String> path) throws IOException, ApiException {
    if (path.size() == 1) {
      expect(method, "GET", true);
      try (OpenStores s = access.open()) {
        return new ContainersView(s).list();
      }
    }
    String name = Names.containerName(path.get(1));
    if (path.size() == 3 && "diff".equals(path.get(2))) {
      expect(method, "GET", true);
      try (OpenStores s = access.open()) {
        return new ContainersView(s).diff(name);
      }
    }
    if (path.size() != 2) {
      throw notFound(path);
    }
    expect(method, "DELETE", true);
    try (OpenStores s = access.open()) {
      // Unforced: a mounted container is refused, as `strata rm` without -f refuses it.
      s.containers.remove(s.containers.get(name), false, false);
      return Answers.object().put("removed", name);
    }
  }

  private JsonNode volumes(String method, List<String> path) throws IOException, ApiException {
    if (path.size() == 1) {
      expect(method, "GET", true);
      try (OpenStores s = access.open()) {
        return new VolumesView(s).list();
      }
    }
    if (path.size() != 2 || !"prune".equals(path.get(1))) {
      throw notFound(path);
    }
    expect(method, "POST", true);
    try (OpenStores s = access.open()) {
      // Every unused volume, named ones too: the page's confirmation lists what goes.
      PruneReport report = s.volumes.prune(new PruneFilter(true, List.of(), List.of()));
      ObjectNode o = Answers.object();
      ArrayNode deleted = o.putArray("deleted");
      report.deleted().forEach(deleted::add);
      o.put("reclaimed_bytes", report.reclaimedBytes());
      return o;
    }
  }

  private static void expect(String method, String allowed, boolean routeMatches) throws ApiException {
    if (!routeMatches) {
      throw new ApiException(404, "no such API path; see /api/openapi.yaml");
    }
    if (!allowed.equals(method)) {
      throw new MethodNotAllowed(allowed, method);
    }
  }

  private static ApiException notFound(List<String> path) {
    return new ApiException(404, "no API path /api/" + Answers.printable(String.join("/", path))
        + "; see /api/openapi.yaml for the paths served");
  }

  /** A route that exists but not with this method; the answer carries {@code Allow}. */
  static final class MethodNotAllowed extends ApiException {
    private final String allowed;

    MethodNotAllowed(String allowed, String method) {
      super(405, "method " + Answers.printable(method) + " is not served here; only " + allowed);
      this.allowed = allowed;
    }

    String allowed() {
      return allowed;
    }
  }
}
