package dev.strata.conformance;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Capability;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.posix.FileNodes;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What every conformance contract stands on: the driver under test, a fresh home for it in each
 * test, and the vocabulary the contracts are written in. A driver adopts a contract by implementing
 * it and registering a {@link DriverHarness} that opens the driver:
 *
 * <pre>{@code
 * class MyDriverConformanceTest implements GraphDriverConformance {
 *   @RegisterExtension
 *   final DriverHarness harness = DriverHarness.of(config -> new MyDriverProvider().open(config));
 *
 *   @Override
 *   public DriverHarness harness() {
 *     return harness;
 *   }
 * }
 * }</pre>
 *
 * <p>The contracts are separate interfaces, so a driver adopts exactly the areas it supports: a
 * driver with no diff of its own can implement {@code LifecycleContract, UnionContract,
 * MountContract} and leave {@link DiffContract} out. {@link GraphDriverConformance} is all of them.
 * Every case runs, and is reported, under the adopting class's name.
 *
 * <p>The harness is an instance field, so each test gets its own; the opener is called with a
 * fresh, empty home on the test's first use of {@link #driver()}, and again with the same home when
 * a test checks a restart ({@link #reopen()}). A driver whose home must be on a particular
 * filesystem adds {@code .onLoopFilesystem(LoopFilesystem::btrfs)}: every test's home is then a
 * fresh directory on one loop-mounted filesystem shared by the class. After every test the harness
 * drops all mount references, closes the drivers and fails the test if anything is still mounted
 * under the home.
 *
 * <p>Tests that need root are skipped through {@code Assumptions}, never passed silently; run as
 * root to run them all. Capabilities ({@code READ_ONLY_VIEWS}, {@code DEVICE_NODES}, {@code QUOTA})
 * are checked both ways: the behaviour must be there exactly when the driver declares it.
 */
public interface DriverContract {

  /** The adopting class's harness, registered with {@code @RegisterExtension} on an instance field. */
  DriverHarness harness();

  /** The driver on {@link #home()}, opened on first use. */
  default GraphDriver driver() throws IOException {
    return harness().driver();
  }

  /** Closes the current driver and opens a new one on the same home, as after a restart. */
  default GraphDriver reopen() throws IOException {
    return harness().reopen();
  }

  /** The driver's home; fresh for each test. */
  default Path home() {
    return harness().home();
  }

  /** Room for reference trees and mount targets, outside the home. */
  default Path scratch() {
    return harness().scratch();
  }

  default LayerId id(String value) {
    return LayerId.of(value);
  }

  /** {@code value} as a parent; {@code null} for none. */
  default Optional<LayerId> parent(String value) {
    return value == null ? Optional.empty() : Optional.of(LayerId.of(value));
  }

  default ApplyResult readOnly(String id, String parent, LayerTarBuilder tar) throws IOException {
    return driver().createReadOnly(id(id), parent(parent), new ByteArrayInputStream(tar.build()));
  }

  default void writable(String id, String parent) throws IOException {
    driver().createWritable(id(id), parent(parent), Map.of());
  }

  /** A change made with plain file operations: to a mounted layer and to a reference tree alike. */
  @FunctionalInterface
  interface TreeEdit {
    void apply(Path root) throws IOException;
  }

  /** Mounts {@code id}, performs {@code edit} on its view, unmounts. */
  default void edit(String id, TreeEdit edit) throws IOException {
    Path view = driver().mount(id(id));
    try {
      edit.apply(view);
    } finally {
      driver().unmount(id(id));
    }
  }

  /** Performs {@code edit} on the mounted layer and on {@code reference}. */
  default void editBoth(String id, Path reference, TreeEdit edit) throws IOException {
    edit(id, edit);
    edit.apply(reference);
  }

  default TreeSnapshot snapshot(String id) throws IOException {
    Path view = driver().mount(id(id));
    try {
      return TreeSnapshot.of(view);
    } finally {
      driver().unmount(id(id));
    }
  }

  /** A new empty reference tree whose root looks like a fresh layer's: 0755. */
  default Path newReference() throws IOException {
    Path ref = Files.createTempDirectory(scratch(), "reference-");
    Files.setPosixFilePermissions(ref, PosixFilePermissions.fromString("rwxr-xr-x"));
    return ref;
  }

  default void assertViewMatches(String id, Path reference, TreeSnapshot.Times times) throws IOException {
    snapshot(id).assertMatches(TreeSnapshot.of(reference), times);
  }

  default boolean isRoot() {
    return new FileNodes().isRoot();
  }

  default void assumeRoot(String why) {
    Assumptions.assumeTrue(isRoot(), "needs root: " + why);
  }

  default boolean declares(Capability capability) throws IOException {
    return driver().capabilities().contains(capability);
  }

  default void assumeCapability(Capability capability) throws IOException {
    Assumptions.assumeTrue(declares(capability), "driver does not declare " + capability);
  }

  /** Every path in the home, for checking that a failed operation left nothing behind. */
  default List<String> homeContents() throws IOException {
    return pathsUnder(home());
  }

  /** Every path under {@code root}, relative and sorted ({@code ""} for the root), without following symlinks. */
  default List<String> pathsUnder(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(p -> out.add(root.relativize(p).toString()));
    }
    out.sort(null);
    return out;
  }
}
