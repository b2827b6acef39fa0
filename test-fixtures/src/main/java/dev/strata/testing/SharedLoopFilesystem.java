package dev.strata.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ExtensionContext.Store.CloseableResource;

/**
 * One {@link LoopFilesystem} for all the tests of a class: made before the first test that needs
 * it, closed by JUnit once the class is done. Making a filesystem costs a {@code mkfs} and a mount,
 * too much for every test; each test still gets a fresh directory on it from its own setup.
 *
 * <pre>{@code
 * class QuotaTest {
 *   @RegisterExtension final SharedLoopFilesystem xfs = SharedLoopFilesystem.of(() -> LoopFilesystem.xfs(true));
 *
 *   @TempDir Path scratch;
 *   private Path home;
 *
 *   @BeforeEach
 *   void open() throws IOException {
 *     home = xfs.get().mirror(scratch);
 *   }
 * }
 * }</pre>
 *
 * <p>Register it on an instance field: each test instance gets its own handle, and the filesystem
 * lives in the test class's JUnit store, not in a static field. A class has one shared filesystem;
 * the first test's factory makes it. If making it fails or is skipped (not root), every test of the
 * class fails or is skipped the same way.
 */
public final class SharedLoopFilesystem implements BeforeEachCallback {

  /** Makes the filesystem, e.g. {@code LoopFilesystem::btrfs}. */
  @FunctionalInterface
  public interface Factory {
    LoopFilesystem create() throws IOException;
  }

  private static final Namespace NAMESPACE = Namespace.create(SharedLoopFilesystem.class);

  private final Factory factory;
  private LoopFilesystem filesystem;

  private SharedLoopFilesystem(Factory factory) {
    this.factory = factory;
  }

  public static SharedLoopFilesystem of(Factory factory) {
    return new SharedLoopFilesystem(factory);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    ExtensionContext classContext = context.getParent().orElseThrow(
        () -> new IllegalStateException("a test method's context always has its class's as parent"));
    filesystem = classContext.getStore(NAMESPACE)
        .getOrComputeIfAbsent(SharedLoopFilesystem.class, key -> new Mounted(create()), Mounted.class)
        .filesystem;
  }

  /** The class's filesystem; available from the first {@code @BeforeEach} method on. */
  public LoopFilesystem get() {
    if (filesystem == null) {
      throw new IllegalStateException("no test has started yet: the shared filesystem is made before each test");
    }
    return filesystem;
  }

  private LoopFilesystem create() {
    try {
      return factory.create();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the shared loop filesystem", e);
    }
  }

  /** Closed by JUnit with the class's store. */
  private record Mounted(LoopFilesystem filesystem) implements CloseableResource {
    @Override
    public void close() throws IOException {
      filesystem.close();
    }
  }
}
