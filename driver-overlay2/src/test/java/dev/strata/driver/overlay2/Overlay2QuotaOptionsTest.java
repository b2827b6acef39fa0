package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import dev.strata.driver.Capability;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where quotas cannot be had, {@code size=} and {@code inodes=} are refused with the reason: on the
 * temp dir's filesystem (not xfs) and on xfs mounted without {@code prjquota}. Bad values are
 * invalid everywhere. Needs root (overlay mounts, a loop-mounted xfs).
 */
class Overlay2QuotaOptionsTest {

  private static final LayerId RW = LayerId.of("rw");

  @RegisterExtension
  final SharedLoopFilesystem plainXfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(false));

  @TempDir Path home;

  @BeforeEach
  void needRoot() {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
  }

  @Test
  public void createWritable_sizeOnNonXfsHome_throwsUnsupportedNamingXfsAndPrjquota() throws IOException {
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      assertFalse(d.capabilities().contains(Capability.QUOTA));
      assertTrue(d.status().get("quota").startsWith("false ("), d.status().toString());

      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("size", "50M")));

      assertTrue(e.getMessage().contains("not xfs") && e.getMessage().contains("prjquota"), e.getMessage());
      assertFalse(d.exists(RW));
    }
  }

  @Test
  public void createWritable_inodesOnNonXfsHome_throwsUnsupported() throws IOException {
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("inodes", "100")));

      assertTrue(e.getMessage().contains("inodes=100"), e.getMessage());
      assertFalse(d.exists(RW));
    }
  }

  @Test
  public void createWritable_sizeOnXfsWithoutPrjquota_throwsUnsupportedSayingMountWithPrjquota()
      throws IOException {
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(plainXfs.get().mirror(home)))) {
      assertFalse(d.capabilities().contains(Capability.QUOTA));
      assertTrue(d.status().get("quota").contains("without project quotas"), d.status().toString());

      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("size", "50M")));

      assertTrue(e.getMessage().contains("-o prjquota"), e.getMessage());
      assertFalse(d.exists(RW));
    }
  }

  @Test
  public void createWritable_badSize_throwsInvalidArgumentQuotingIt() throws IOException {
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      var e = assertThrows(InvalidArgumentException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("size", "50Q")));

      assertTrue(e.getMessage().contains("size=50Q"), e.getMessage());
      assertFalse(d.exists(RW));
    }
  }

  @Test
  public void createWritable_unknownOption_throwsUnsupportedListingKnownOnes() throws IOException {
    try (GraphDriver d = new Overlay2DriverProvider().open(DriverConfig.of(home))) {
      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("colour", "blue")));

      assertTrue(e.getMessage().contains("size= and inodes="), e.getMessage());
    }
  }
}
