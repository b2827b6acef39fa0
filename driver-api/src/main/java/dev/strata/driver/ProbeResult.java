package dev.strata.driver;

import java.util.Objects;

/** Whether a driver can serve a home directory, and why not when it cannot. */
public record ProbeResult(boolean supported, String reason) {

  public ProbeResult {
    Objects.requireNonNull(reason, "reason");
  }

  public static ProbeResult supported(String reason) {
    return new ProbeResult(true, reason);
  }

  public static ProbeResult unsupported(String reason) {
    return new ProbeResult(false, reason);
  }
}
