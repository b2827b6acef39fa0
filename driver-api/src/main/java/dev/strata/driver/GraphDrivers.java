package dev.strata.driver;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.UnsupportedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;

/**
 * The drivers found on the class path, by name.
 *
 * <p>Providers come from {@link ServiceLoader}. Two providers with the same name are an error that
 * names both classes; a provider that fails to load is recorded in {@link #problems()} and the rest
 * still load.
 *
 * <h2>Auto-selection</h2>
 *
 * {@link #select} picks, in this order: the driver already recorded for the store (its home
 * directory exists and is not empty), else {@code btrfs} when it probes as supported (the root is on
 * btrfs), else {@code overlay2} when it probes as supported (a test mount succeeds), else {@code
 * vfs}. The returned {@link Selection} says which was chosen and why.
 */
public final class GraphDrivers {

  /** The preference order of auto-selection after a recorded driver. */
  public static final List<String> PREFERENCE = List.of("btrfs", "overlay2", "vfs");

  /** What {@link #select} chose and the reason, for {@code strata info} and logs. */
  public record Selection(String name, String reason) {}

  private final Map<String, GraphDriverProvider> providers;
  private final List<String> problems;

  /** Loads providers with this class's class loader. */
  public GraphDrivers() {
    this(ServiceLoader.load(GraphDriverProvider.class, GraphDrivers.class.getClassLoader()));
  }

  /** Uses the given providers (and reports loading problems of an iterable such as a ServiceLoader). */
  public GraphDrivers(Iterable<GraphDriverProvider> found) {
    Map<String, GraphDriverProvider> byName = new TreeMap<>();
    List<String> trouble = new ArrayList<>();
    var it = found.iterator();
    while (true) {
      GraphDriverProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        trouble.add("driver provider failed to load: " + e.getMessage());
        continue;
      }
      GraphDriverProvider previous = byName.putIfAbsent(p.name(), p);
      if (previous != null) {
        throw new IllegalStateException(
            "two graph driver providers are named '" + p.name() + "': "
                + previous.getClass().getName() + " and " + p.getClass().getName());
      }
    }
    this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    this.problems = List.copyOf(trouble);
  }

  /** Known driver names, sorted. */
  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /** Providers that failed to load, one line each. */
  public List<String> problems() {
    return problems;
  }

  public Optional<GraphDriverProvider> provider(String name) {
    return Optional.ofNullable(providers.get(name));
  }

  /**
   * Opens the named driver.
   *
   * @throws NotFoundException naming the known drivers when {@code name} is unknown
   */
  public GraphDriver open(String name, DriverConfig config) throws IOException {
    GraphDriverProvider p = providers.get(name);
    if (p == null) {
      throw new NotFoundException(name, "unknown storage driver '" + name + "'; known drivers: "
          + String.join(", ", names()));
    }
    return p.open(config);
  }

  /**
   * Chooses a driver for a store whose driver homes live under {@code root} as {@code
   * root/<name>}; see the class documentation for the order.
   *
   * @throws UnsupportedException when no known driver can serve the root
   */
  public Selection select(Path root) throws IOException {
    for (String name : names()) {
      if (isRecorded(root.resolve(name))) {
        return new Selection(name, "the store at " + root + " already holds " + name + " layers");
      }
    }
    List<String> reasons = new ArrayList<>();
    for (String name : PREFERENCE) {
      GraphDriverProvider p = providers.get(name);
      if (p == null) {
        continue;
      }
      ProbeResult r = p.probe(root.resolve(name));
      if (r.supported()) {
        return new Selection(name, r.reason());
      }
      reasons.add(name + ": " + r.reason());
    }
    throw new UnsupportedException(root.toString(), "no storage driver can serve " + root + " ("
        + String.join("; ", reasons) + ")");
  }

  /** Validates a name typed by a user before any driver is touched. */
  public static void checkName(String name) throws InvalidArgumentException {
    if (name == null || !name.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new InvalidArgumentException(String.valueOf(name), "invalid driver name '" + name + "'");
    }
  }

  private static boolean isRecorded(Path home) throws IOException {
    if (!Files.isDirectory(home)) {
      return false;
    }
    try (var entries = Files.list(home)) {
      return entries.findAny().isPresent();
    }
  }
}
