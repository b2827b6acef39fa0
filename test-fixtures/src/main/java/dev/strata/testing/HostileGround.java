package dev.strata.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Where tests of hostile input run, so that "nothing outside changed" covers every place an
 * escape could land, not only the test's temp dir. Each test gets a fresh directory ({@link
 * #dir()}) {@value #DEPTH} levels below the root of a loop filesystem that only this test class
 * uses; {@link #outside} snapshots that whole filesystem but the paths the code under test may
 * change. A name that climbs out of a target made in {@code dir()} (the corpora climb at most two
 * levels, {@code ../../}) or follows a symlink the test aims at something it made there lands on
 * the filesystem, and the snapshot sees it. A test whose input climbs further than {@value #DEPTH}
 * levels above its target must make the target deeper.
 *
 * <pre>{@code
 * @RegisterExtension final HostileGround ground = HostileGround.onLoopFilesystem();
 *
 * Map<String, String> before = ground.outside(target);
 * assertThrows(CorruptException.class, () -> apply(hostileTar, target));
 * assertEquals(before, ground.outside(target));
 * }</pre>
 *
 * <p>Register it on an instance field. It needs root (loop device, mount): without root every test
 * of the class is skipped. The filesystem is unmounted, and its loop device freed, when the class
 * is done; each test's directory is deleted after the test.
 */
public final class HostileGround implements BeforeEachCallback, AfterEachCallback {

  /** Levels between the filesystem's root and {@link #dir()}. */
  public static final int DEPTH = 3;
  /** Room for a small image store; a hostile input that fills it fails with ENOSPC, which is refused too. */
  private static final long SIZE = 128L << 20;

  private final SharedLoopFilesystem filesystem;
  private Path top;
  private Path dir;

  private HostileGround(SharedLoopFilesystem filesystem) {
    this.filesystem = filesystem;
  }

  /** On a small ext4 shared by the tests of the class. */
  public static HostileGround onLoopFilesystem() {
    return new HostileGround(SharedLoopFilesystem.of(() -> LoopFilesystem.ext4(SIZE)));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    filesystem.beforeEach(context);
    top = Files.createTempDirectory(filesystem.get().root(), "test-");
    dir = top;
    for (int level = 1; level < DEPTH; level++) {
      dir = Files.createDirectory(dir.resolve("level" + level));
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    if (top != null) {
      TreeDeletion.delete(top);
    }
  }

  /** This test's directory, fresh and empty, {@value #DEPTH} levels below the filesystem's root. */
  public Path dir() {
    if (dir == null) {
      throw new IllegalStateException("no test has started yet: the directory is made before each test");
    }
    return dir;
  }

  /**
   * Every path on the filesystem, the filesystem's root included, but those at or below {@code
   * changing} (the target, a store the test opened): see {@link SurroundingsSnapshot}.
   */
  public Map<String, String> outside(Path... changing) throws IOException {
    List<Path> excluded = List.of(changing);
    return SurroundingsSnapshot.of(filesystem.get().root(), p -> excluded.stream().anyMatch(p::startsWith));
  }
}
