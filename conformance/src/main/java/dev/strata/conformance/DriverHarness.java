package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The per-test state of the conformance contracts, as a JUnit extension: before each test a fresh
 * driver home and scratch directory; during it the drivers opened on the home; after it a teardown
 * that drops every mount reference, closes every driver and fails the test if anything is still
 * mounted under the home (unmounting it, so that one leak does not fail the tests after it).
 *
 * <p>An adopting class registers it on an instance field and returns it from {@link
 * DriverContract#harness()}; see {@link DriverContract} for the whole adoption.
 */
public final class DriverHarness implements BeforeEachCallback, AfterEachCallback {

  /**
   * Opens the driver under test with {@code config}, whose home is empty for a new test and as left
   * for a reopen; add the driver's own options to it.
   */
  @FunctionalInterface
  public interface Opener {
    GraphDriver open(DriverConfig config) throws IOException;
  }

  private final Opener opener;
  private final Optional<SharedLoopFilesystem> filesystem;
  private final List<GraphDriver> opened = new ArrayList<>();
  private Path home;
  private Path scratch;
  private GraphDriver current;

  private DriverHarness(Opener opener, Optional<SharedLoopFilesystem> filesystem) {
    this.opener = opener;
    this.filesystem = filesystem;
  }

  /** Each test's home is a fresh temporary directory. */
  public static DriverHarness of(Opener opener) {
    return new DriverHarness(opener, Optional.empty());
  }

  /**
   * Each test's home is a fresh directory on one loop filesystem the class's tests share (btrfs
   * for the btrfs driver, xfs for overlay2's quotas), made by {@code filesystem} before the first
   * test. Skipped unless running as root.
   */
  public DriverHarness onLoopFilesystem(SharedLoopFilesystem.Factory filesystem) {
    return new DriverHarness(opener, Optional.of(SharedLoopFilesystem.of(filesystem)));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    opened.clear();
    current = null;
    home = null;
    scratch = null;
    if (filesystem.isPresent()) {
      filesystem.get().beforeEach(context);
      home = Files.createTempDirectory(filesystem.get().get().root(), "home-");
    } else {
      home = Files.createTempDirectory("strata-home-");
    }
    scratch = Files.createTempDirectory("strata-scratch-");
  }

  /** The driver's home; fresh for each test. */
  public Path home() {
    return home;
  }

  /** Room for reference trees and mount targets, outside the home. */
  public Path scratch() {
    return scratch;
  }

  /** The driver on {@link #home}, opened on first use. */
  public GraphDriver driver() throws IOException {
    if (current == null) {
      current = opener.open(DriverConfig.of(home));
      opened.add(current);
    }
    return current;
  }

  /**
   * A second driver on the same home, opened as another process would open it while this one
   * works there: without sweeping. Closed after the test.
   */
  public GraphDriver openAlongside() throws IOException {
    driver();
    GraphDriver other = opener.open(DriverConfig.of(home).withSweep(false));
    opened.add(other);
    return other;
  }

  /** Closes the current driver and opens a new one on the same home, as after a restart. */
  public GraphDriver reopen() throws IOException {
    driver().close();
    current = null;
    return driver();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (home == null) {
      return; // the setup failed or was skipped before there was anything to release
    }
    try {
      releaseEverything();
    } finally {
      // A loop filesystem's homes go with the filesystem; btrfs subvolumes are not plain directories.
      if (filesystem.isEmpty()) {
        FileTrees.delete(home);
      }
      if (scratch != null) {
        FileTrees.delete(scratch);
      }
    }
  }

  private void releaseEverything() throws IOException {
    List<String> problems = new ArrayList<>();
    for (GraphDriver d : opened) {
      try {
        for (LayerId id : d.layers()) {
          while (d.mountCount(id) > 0) {
            d.unmount(id);
          }
        }
      } catch (IllegalStateException closedByTheTest) {
        // The test closed this driver itself; leaked mounts are caught below all the same.
      } finally {
        d.close();
      }
    }
    for (Path leaked : MountTable.self().mountPointsUnder(home)) {
      problems.add(leaked.toString());
      try {
        new MountCalls().umount(leaked, MountCalls.MNT_DETACH);
      } catch (PosixException e) {
        problems.add("(could not unmount: " + e.getMessage() + ")");
      }
    }
    if (!problems.isEmpty()) {
      fail("mounts leaked under the driver home after the test: " + problems);
    }
  }
}
