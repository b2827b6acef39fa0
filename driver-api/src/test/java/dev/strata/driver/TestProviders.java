package dev.strata.driver;

import dev.strata.driver.error.UnsupportedException;
import java.io.IOException;
import java.nio.file.Path;

/** Minimal providers for registry tests: they answer probes and refuse to open. */
final class TestProviders {

  private TestProviders() {}

  static class Named implements GraphDriverProvider {
    private final String name;
    private final boolean supported;

    Named(String name, boolean supported) {
      this.name = name;
      this.supported = supported;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public ProbeResult probe(Path home) {
      return supported
          ? ProbeResult.supported(name + " works here")
          : ProbeResult.unsupported(name + " needs something this machine lacks");
    }

    @Override
    public GraphDriver open(DriverConfig config) throws IOException {
      throw new UnsupportedException(name, "test provider " + name + " opens nothing");
    }
  }

  /** Listed in META-INF/services: a provider ServiceLoader can load. */
  public static final class Loadable extends Named {
    public Loadable() {
      super("loadable", true);
    }
  }

  /** Listed in META-INF/services: its constructor fails, as a broken third-party provider would. */
  public static final class Broken extends Named {
    public Broken() {
      super("broken", true);
      throw new IllegalStateException("broken provider");
    }
  }
}
