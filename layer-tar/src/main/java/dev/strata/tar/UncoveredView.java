package dev.strata.tar;

import dev.strata.posix.FsMountCalls;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A tree opened by {@link UncoveredViews}: the directory itself when nothing was mounted below it,
 * or a detached clone of it reached through its descriptor, unmounted by {@link #close}.
 * Closing is idempotent.
 */
final class UncoveredView implements AutoCloseable {

  private final Path path;
  private final FsMountCalls calls;
  private int fd;

  private UncoveredView(Path path, int fd, FsMountCalls calls) {
    this.path = path;
    this.fd = fd;
    this.calls = calls;
  }

  static UncoveredView plain(Path dir) {
    return new UncoveredView(dir, -1, null);
  }

  /** The walk reads a detached mount by the magic link of its descriptor; it has no other path. */
  static UncoveredView cloned(int fd, FsMountCalls calls) {
    return new UncoveredView(Path.of("/proc/self/fd/" + fd), fd, calls);
  }

  /** Where the tree is read. */
  Path path() {
    return path;
  }

  /** Whether this is a clone (something was mounted below the directory). */
  boolean cloned() {
    return calls != null;
  }

  @Override
  public void close() throws IOException {
    if (fd >= 0) {
      int open = fd;
      fd = -1;
      calls.close(open);
    }
  }
}
