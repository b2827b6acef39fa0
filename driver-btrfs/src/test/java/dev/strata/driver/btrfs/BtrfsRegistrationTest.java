package dev.strata.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.ProbeResult;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileSystemTypes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BtrfsRegistrationTest {

  @TempDir Path home;

  @Test
  void graphDrivers_serviceLoader_findsBtrfs() {
    GraphDrivers drivers = new GraphDrivers();

    assertTrue(drivers.names().contains("btrfs"), drivers.names().toString());
    assertEquals(List.of(), drivers.loadFailures());
  }

  @Test
  void probe_homeOnExt4TempDir_unsupportedNamingTheFilesystem() throws IOException {
    long magic = new FileSystemTypes().magic(home);
    ProbeResult result = new BtrfsDriverProvider().probe(home.resolve("not-yet-created"));

    if (magic == FileSystemTypes.BTRFS_SUPER_MAGIC) {
      assertTrue(result.supported(), result.reason());
    } else {
      assertFalse(result.supported());
      assertTrue(result.reason().contains("not on btrfs"), result.reason());
      assertTrue(result.reason().contains("0x" + Long.toHexString(magic)), result.reason());
    }
  }

  @Test
  void probe_homeUnderProc_unsupportedWithProcMagic() {
    ProbeResult result = new BtrfsDriverProvider().probe(Path.of("/proc/strata-no-such-home"));

    assertFalse(result.supported());
    assertTrue(result.reason().contains("not on btrfs (/proc has filesystem magic 0x9fa0"), result.reason());
  }

  @Test
  void open_homeNotOnBtrfs_throwsUnsupportedNamingTheHome() {
    Path driverHome = Path.of("/proc/strata-no-such-home");

    var e = assertThrows(UnsupportedException.class,
        () -> new BtrfsDriverProvider().open(DriverConfig.of(driverHome)));
    assertEquals(driverHome.toString(), e.subject());
    assertTrue(e.getMessage().contains("not on btrfs"), e.getMessage());
  }
}
