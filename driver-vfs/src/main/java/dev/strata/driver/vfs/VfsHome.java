package dev.strata.driver.vfs;

import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The driver's directories under its home:
 *
 * <pre>
 * dir/&lt;id&gt;/             the layer's full tree
 * meta/&lt;id&gt;.properties   parent, writable, depth (written atomically)
 * staging/              layers being built; swept on open
 * trash/                layers being deleted; swept on open
 * mnt/&lt;id&gt;/             bind-mounted views (vfs.bind=true)
 * </pre>
 */
record VfsHome(Path root) {

  Path dir() {
    return root.resolve("dir");
  }

  Path meta() {
    return root.resolve("meta");
  }

  Path staging() {
    return root.resolve("staging");
  }

  Path trash() {
    return root.resolve("trash");
  }

  Path mnt() {
    return root.resolve("mnt");
  }

  Path layerDir(LayerId id) {
    return dir().resolve(id.value());
  }

  Path mountPoint(LayerId id) {
    return mnt().resolve(id.value());
  }

  /** The fixed directories, created when absent. */
  List<Path> fixedDirs() {
    return List.of(dir(), meta(), staging(), trash(), mnt());
  }

  void create() throws IOException {
    for (Path p : fixedDirs()) {
      Files.createDirectories(p);
    }
  }
}
