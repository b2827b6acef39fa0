package dev.strata.registry;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One request as a {@link FakeRegistry} received it, before faults or auth were applied.
 *
 * @param path decoded path, e.g. {@code /v2/library/busybox/blobs/sha256:...}
 * @param query raw query, {@code ""} when there is none
 * @param headers header names in lower case
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers) {

  public RecordedRequest {
    Map<String, List<String>> copy = new TreeMap<>();
    headers.forEach((name, values) -> copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
    headers = java.util.Collections.unmodifiableMap(copy);
  }

  public Optional<String> header(String name) {
    List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  public Optional<String> authorization() {
    return header("Authorization");
  }

  /** {@code "GET /v2/x/blobs/sha256:..."}: what {@link RequestLog#count} matches against. */
  public String line() {
    return method + " " + path;
  }
}
