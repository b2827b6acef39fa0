package dev.strata.driver;

import java.util.Objects;

/**
 * What {@link GraphDrivers#survey} found of one driver provider: whether it serves the store
 * here, and why; or why it could not be used at all.
 *
 * @param provider the driver's name, or the provider's class for one that failed to load
 * @param state what became of it
 * @param reason the probe's reason, or the failure's message
 */
public record ProviderReport(String provider, State state, String reason) {

  /** What became of a provider. */
  public enum State {
    /** Loaded, and its probe says it can serve the store. */
    SUPPORTED,
    /** Loaded, and its probe says it cannot serve the store here. */
    UNSUPPORTED,
    /** Loaded, but its probe threw instead of answering. */
    PROBE_FAILED,
    /** The service loader could not load or instantiate it. */
    LOAD_FAILED
  }

  public ProviderReport {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(reason, "reason");
  }

  /** {@code "supported: <reason>"}, as {@code strata info} prints it. */
  public String describe() {
    String what = switch (state) {
      case SUPPORTED -> "supported";
      case UNSUPPORTED -> "unsupported";
      case PROBE_FAILED -> "probe failed";
      case LOAD_FAILED -> "failed to load";
    };
    return what + ": " + reason;
  }
}
