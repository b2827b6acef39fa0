package dev.strata.cli;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mounter;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.posix.MountCalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The {@link TrialRunner.Homes} the crash tests use: trial directories under one parent. */
final class TrialHomes implements TrialRunner.Homes {

  private final Path parent;
  private final String driver;

  private TrialHomes(Path parent, String driver) {
    this.parent = parent;
    this.driver = driver;
  }

  /** Trials of {@code driver} under {@code parent} (a temporary directory or a loop filesystem's). */
  static TrialHomes under(Path parent, String driver) {
    return new TrialHomes(parent, driver);
  }

  @Override
  public Path trialDir(int n) throws IOException {
    return Files.createDirectories(parent.resolve("trial-" + n));
  }

  /**
   * Deletes a trial's directory, unmounting first what is mounted below it (the measuring run of
   * {@code mount} leaves its container mounted). A btrfs root holds read-only subvolumes, which no
   * file deletion removes: its driver discards its layers first, children before parents.
   */
  @Override
  public void delete(Path trialDir) throws IOException {
    unmountAllUnder(trialDir);
    Path home = trialDir.resolve("root").resolve(driver);
    if (driver.equals("btrfs") && Files.isDirectory(home)) {
      try (GraphDriver d = new GraphDrivers().open(driver, new DriverConfig(home, Map.of(), Mounter.system()))) {
        List<LayerId> layers = new ArrayList<>(d.layers());
        Map<LayerId, Integer> depths = new HashMap<>();
        for (LayerId id : layers) {
          depths.put(id, d.info(id).depth());
        }
        layers.sort(Comparator.comparing(depths::get, Comparator.reverseOrder()));
        for (LayerId id : layers) {
          d.remove(id);
        }
      }
    }
    FileTrees.delete(trialDir);
  }

  /** Unmounts every mount below {@code dir}, deepest first. */
  static void unmountAllUnder(Path dir) throws IOException {
    MountCalls mounts = new MountCalls();
    for (Path point : MountTable.self().mountPointsUnder(dir)) {
      mounts.umount(point, 0);
    }
  }
}
