package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.fail;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.posix.PosixException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every contract class shares: a fresh driver home per test, the drivers opened on it, and a
 * teardown that drops every mount reference, closes every driver and fails the test if anything
 * is still mounted under the home.
 */
public abstract class ConformanceSupport {

  /** The driver's home; fresh for each test. */
  @TempDir protected Path home;

  /** Room for reference trees and mount targets, outside the home. */
  @TempDir protected Path scratch;

  private final List<GraphDriver> opened = new ArrayList<>();
  private GraphDriver current;
  private int references;

  /** Opens the driver under test on {@code home} (created if absent, reopened if not). */
  protected abstract GraphDriver openDriver(Path home) throws IOException;

  /** The driver on {@link #home}, opened on first use. */
  protected final GraphDriver driver() throws IOException {
    if (current == null) {
      current = openDriver(home);
      opened.add(current);
    }
    return current;
  }

  /** Closes the current driver and opens a new one on the same home, as after a restart. */
  protected final GraphDriver reopen() throws IOException {
    driver().close();
    current = null;
    return driver();
  }

  @AfterEach
  final void releaseEverything() throws IOException {
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

  protected static LayerId id(String value) {
    return LayerId.of(value);
  }

  protected static Optional<LayerId> parent(String value) {
    return value == null ? Optional.empty() : Optional.of(LayerId.of(value));
  }

  protected final ApplyResult readOnly(String id, String parent, LayerTarBuilder tar) throws IOException {
    return driver().createReadOnly(id(id), parent(parent), new ByteArrayInputStream(tar.build()));
  }

  protected final void writable(String id, String parent) throws IOException {
    driver().createWritable(id(id), parent(parent), Map.of());
  }

  /** A change made with plain file operations: to a mounted layer and to a reference tree alike. */
  @FunctionalInterface
  protected interface TreeEdit {
    void apply(Path root) throws IOException;
  }

  /** Mounts {@code id}, performs {@code edit} on its view, unmounts. */
  protected final void edit(String id, TreeEdit edit) throws IOException {
    Path view = driver().mount(id(id));
    try {
      edit.apply(view);
    } finally {
      driver().unmount(id(id));
    }
  }

  /** Performs {@code edit} on the mounted layer and on {@code reference}. */
  protected final void editBoth(String id, Path reference, TreeEdit edit) throws IOException {
    edit(id, edit);
    edit.apply(reference);
  }

  protected final TreeSnapshot snapshot(String id) throws IOException {
    Path view = driver().mount(id(id));
    try {
      return TreeSnapshot.of(view);
    } finally {
      driver().unmount(id(id));
    }
  }

  /** A new empty reference tree whose root looks like a fresh layer's: 0755. */
  protected final Path newReference() throws IOException {
    Path ref = Files.createTempDirectory(scratch, "reference-" + (++references) + "-");
    Files.setPosixFilePermissions(ref, PosixFilePermissions.fromString("rwxr-xr-x"));
    return ref;
  }

  protected final void assertViewMatches(String id, Path reference, TreeSnapshot.Times times)
      throws IOException {
    snapshot(id).assertMatches(TreeSnapshot.of(reference), times);
  }

  protected static boolean isRoot() {
    return new FileNodes().isRoot();
  }

  protected static void assumeRoot(String why) {
    Assumptions.assumeTrue(isRoot(), "needs root: " + why);
  }

  protected final boolean declares(Capability capability) throws IOException {
    return driver().capabilities().contains(capability);
  }

  protected final void assumeCapability(Capability capability) throws IOException {
    Assumptions.assumeTrue(declares(capability), "driver does not declare " + capability);
  }

  /** Every path in the home, for checking that a failed operation left nothing behind. */
  protected final List<String> homeContents() throws IOException {
    return Trees.list(home);
  }
}
