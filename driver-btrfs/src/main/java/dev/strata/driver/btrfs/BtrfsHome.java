package dev.strata.driver.btrfs;

import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The driver's directories under its home, all plain directories of one subvolume so that a
 * subvolume renamed between them never crosses a subvolume boundary:
 *
 * <pre>
 * subvolumes/&lt;id&gt;       the layer's subvolume (read-only for image layers)
 * meta/&lt;id&gt;.properties   parent, writable, depth (written atomically)
 * staging/              subvolumes being built; swept on open
 * trash/                subvolumes being destroyed; swept on open
 * </pre>
 */
record BtrfsHome(Path root) {

  Path subvolumes() {
    return root.resolve("subvolumes");
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

  Path layerDir(LayerId id) {
    return subvolumes().resolve(id.value());
  }

  List<Path> fixedDirs() {
    return List.of(subvolumes(), meta(), staging(), trash());
  }

  void create() throws IOException {
    for (Path p : fixedDirs()) {
      Files.createDirectories(p);
    }
  }
}
