package dev.strata.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Progress for work the stores do without a progress hook (load, commit): the bytes this process
 * has read so far, from {@code rchar} in {@code /proc/self/io}, against an estimate of what the
 * work reads. An estimate, so the bar stops short of 100% until the work ends.
 */
final class ProcessIo {

  private static final Path IO = Path.of("/proc/self/io");

  private ProcessIo() {}

  /**
   * What loading {@code input} reads: a tar is read to extract it, then every blob is read to
   * verify it and again to register it; a directory skips the extraction.
   */
  static long loadEstimate(Path input) throws IOException {
    if (Files.isRegularFile(input)) {
      return Files.size(input) * 3;
    }
    if (!Files.isDirectory(input)) {
      return 0;
    }
    try (Stream<Path> walk = Files.walk(input)) {
      return walk.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() * 2;
    }
  }

  /** Drives {@code progress} from this process's reads until closed; does nothing when it is hidden. */
  static Poller poll(Progress progress) {
    return new Poller(progress);
  }

  /** Bytes this process has read through read(2) and friends; -1 where /proc is unavailable. */
  static long bytesRead() {
    try {
      for (String line : Files.readAllLines(IO)) {
        if (line.startsWith("rchar:")) {
          return Long.parseLong(line.substring(6).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // No /proc (or an unexpected format): the bar just stays where it is.
    }
    return -1;
  }

  /** A daemon thread that samples {@link #bytesRead} a few times a second. */
  static final class Poller implements AutoCloseable {
    private final Thread thread;

    private Poller(Progress progress) {
      if (!progress.enabled() || bytesRead() < 0) {
        thread = null;
        return;
      }
      long start = bytesRead();
      thread = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted()) {
          progress.update(bytesRead() - start);
          try {
            Thread.sleep(200);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "strata-progress");
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() {
      if (thread != null) {
        thread.interrupt();
        try {
          thread.join(1000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }
}
