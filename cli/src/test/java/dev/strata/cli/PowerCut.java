package dev.strata.cli;

import dev.strata.posix.FileSync;
import dev.strata.testing.LoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A power cut under the store: the loop filesystem holding the root is shut down without flushing
 * its log, so whatever the operation had not made durable is lost as on a real one; then the child
 * is killed (it only sees {@code EIO} from then on), the mounts it left on the filesystem (overlay
 * views) are taken down, and the filesystem is mounted again, which replays its log as a boot
 * would.
 */
final class PowerCut implements Interruption {

  private final LoopFilesystem fs;

  PowerCut(LoopFilesystem fs) {
    this.fs = fs;
  }

  /**
   * Makes the prepared root durable: the cut tests the operation, not the steps that prepared it
   * (a container's own writes, for one, are never synced by Strata, as by Docker).
   */
  @Override
  public void prepared(Path root) throws IOException {
    new FileSync().syncFilesystem(root);
  }

  @Override
  public List<String> interrupt(Child child) throws IOException, InterruptedException {
    // What is in the pipe now was written before the cut. A line written between this read and the
    // cut is not counted: an operation that finished just before may count as cut inside, never the reverse.
    List<String> heard = child.heardSoFar();
    fs.cutPower();
    child.kill();
    TrialHomes.unmountAllUnder(fs.root());
    fs.remount();
    return heard;
  }

  @Override
  public boolean failuresAllowed() {
    return true;
  }
}
