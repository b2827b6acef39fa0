package dev.strata.driver.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.ProbeResult;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VfsRegistrationTest {

  @TempDir Path home;

  @Test
  void graphDrivers_serviceLoader_findsVfs() throws IOException {
    GraphDrivers drivers = new GraphDrivers();

    assertTrue(drivers.names().contains("vfs"), drivers.names().toString());
    assertEquals(java.util.List.of(), drivers.loadFailures());
    try (GraphDriver driver = drivers.open("vfs", DriverConfig.of(home))) {
      assertEquals("vfs", driver.name());
      assertEquals(home, driver.home());
    }
  }

  @Test
  void probe_anyHome_supportedWithReason() {
    ProbeResult result = new VfsDriverProvider().probe(home.resolve("not-yet-created"));

    assertTrue(result.supported());
    assertTrue(result.reason().contains("any"), result.reason());
  }

  @Test
  void select_emptyRootWithOnlyVfs_choosesVfs() throws IOException {
    GraphDrivers drivers = new GraphDrivers(java.util.List.of(new VfsDriverProvider()));

    assertEquals("vfs", drivers.select(home).name());
  }
}
