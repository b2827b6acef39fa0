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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drivers found on the class path, by name.
 *
 * <p>Providers come from {@link ServiceLoader}. Two providers with the same name are an error that
 * names both classes; a provider that fails to load is logged and recorded, and the rest still
 * load. {@link #survey} reports every provider: its probe of a store, or why it failed to load or
 * to probe; {@code strata info} prints it.
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

  private static final System.Logger LOG = System.getLogger(GraphDrivers.class.getName());
  private static final Pattern PROVIDER_CLASS = Pattern.compile("Provider (\\S+)");

  private final Map<String, GraphDriverProvider> providers;
  private final List<ProviderReport> loadFailures;

  /** Loads providers with this class's class loader. */
  public GraphDrivers() {
    this(ServiceLoader.load(GraphDriverProvider.class, GraphDrivers.class.getClassLoader()));
  }

  /** Uses the given providers (and reports loading problems of an iterable such as a ServiceLoader). */
  public GraphDrivers(Iterable<GraphDriverProvider> found) {
    Map<String, GraphDriverProvider> byName = new TreeMap<>();
    List<ProviderReport> trouble = new ArrayList<>();
    var it = found.iterator();
    while (true) {
      GraphDriverProvider p;
      try {
        if (!it.hasNext()) {
          break;
        }
        p = it.next();
      } catch (ServiceConfigurationError e) {
        // A broken third-party provider must not take the working drivers down with it.
        Matcher m = PROVIDER_CLASS.matcher(String.valueOf(e.getMessage()));
        String provider = m.find() ? m.group(1) : "unknown provider";
        LOG.log(System.Logger.Level.WARNING, "storage driver provider " + provider + " failed to load", e);
        trouble.add(new ProviderReport(provider, ProviderReport.State.LOAD_FAILED, describe(e)));
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
    this.loadFailures = List.copyOf(trouble);
  }

  /** Known driver names, sorted. */
  public List<String> names() {
    return List.copyOf(providers.keySet());
  }

  /** Providers that failed to load. */
  public List<ProviderReport> loadFailures() {
    return loadFailures;
  }

  /**
   * Every provider as it stands for a store whose driver homes live under {@code root}: each
   * loaded one's probe of {@code root/<name>}, by name, then each that failed to load. A probe
   * that throws is reported (and logged), not passed on.
   */
  public List<ProviderReport> survey(Path root) {
    List<ProviderReport> reports = new ArrayList<>();
    for (GraphDriverProvider p : providers.values()) {
      reports.add(probe(p, root));
    }
    reports.addAll(loadFailures);
    return List.copyOf(reports);
  }

  private static ProviderReport probe(GraphDriverProvider provider, Path root) {
    try {
      ProbeResult r = provider.probe(root.resolve(provider.name()));
      return new ProviderReport(provider.name(),
          r.supported() ? ProviderReport.State.SUPPORTED : ProviderReport.State.UNSUPPORTED, r.reason());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "storage driver " + provider.name() + " failed to probe " + root, e);
      return new ProviderReport(provider.name(), ProviderReport.State.PROBE_FAILED, describe(e));
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
    return e.getCause() == null ? message : message + ": " + describe(e.getCause());
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
      ProviderReport r = probe(p, root);
      if (r.state() == ProviderReport.State.SUPPORTED) {
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
