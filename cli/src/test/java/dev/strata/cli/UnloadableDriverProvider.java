package dev.strata.cli;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDriverProvider;
import dev.strata.driver.ProbeResult;
import java.nio.file.Path;

/** A driver provider whose constructor fails, as a broken third-party one would; {@link InfoProvidersTest} lists it. */
public final class UnloadableDriverProvider implements GraphDriverProvider {

  public UnloadableDriverProvider() {
    throw new IllegalStateException("this provider's native library is missing");
  }

  @Override
  public String name() {
    return "unloadable";
  }

  @Override
  public ProbeResult probe(Path home) {
    return ProbeResult.unsupported("never loaded");
  }

  @Override
  public GraphDriver open(DriverConfig config) {
    throw new UnsupportedOperationException("never loaded");
  }
}
