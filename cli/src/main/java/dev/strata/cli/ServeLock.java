package dev.strata.cli;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code <root>/locks/serve}, held exclusively by the one {@code strata serve} of a root for as
 * long as it runs: two servers on one root would hand containerd two views of one set of
 * snapshots. The kernel drops the lock when the process dies, so a crashed server never blocks the
 * next. The holder's pid is kept beside it, for the refusal to name.
 */
final class ServeLock implements AutoCloseable {

  private final LockFile lock;
  private final Path pidFile;

  private ServeLock(LockFile lock, Path pidFile) {
    this.lock = lock;
    this.pidFile = pidFile;
  }

  /** Takes the lock or refuses, naming the running server's pid. */
  static ServeLock take(Path root) throws IOException {
    Path locks = root.resolve("locks");
    Files.createDirectories(locks);
    Path pidFile = locks.resolve("serve.pid");
    LockFile lock = LockFile.open(locks.resolve("serve"));
    try {
      if (!lock.tryLock(true)) {
        String pid = Files.exists(pidFile) ? Files.readString(pidFile, StandardCharsets.US_ASCII).trim() : "?";
        throw new FailedPreconditionException(root.toString(), "strata serve is already running on "
            + root + " (pid " + pid + "); stop it first, or serve another --root");
      }
      Files.writeString(pidFile, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
      return new ServeLock(lock, pidFile);
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      Files.deleteIfExists(pidFile);
    } finally {
      lock.close();
    }
  }
}
