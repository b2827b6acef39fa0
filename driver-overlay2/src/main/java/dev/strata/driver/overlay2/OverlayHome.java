package dev.strata.driver.overlay2;

import dev.strata.driver.LayerId;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's directories, laid out as Docker's overlay2:
 *
 * <pre>
 * &lt;id&gt;/diff/        the layer's own files: the overlay upper dir, or one of the lowers
 * &lt;id&gt;/link         the layer's 26-character short name
 * &lt;id&gt;/lower        l/SHORT:l/SHORT... of its ancestors, nearest first (absent for a base)
 * &lt;id&gt;/work/        overlay's work dir (writable layers)
 * &lt;id&gt;/merged/      where {@code mount} presents the view
 * &lt;id&gt;/empty/       the lower of a writable base layer (overlay needs one)
 * &lt;id&gt;/committed    a child exists, or the layer came from a tar: its view is read-only
 * &lt;id&gt;/layer.properties  parent, writable, depth
 * l/&lt;short&gt;          -&gt; ../&lt;id&gt;/diff, so that lower paths stay short
 * .staging/          layers being built; swept on open
 * .trash/            layers being deleted; swept on open
 * .project-ids       the last xfs project id handed out, under flock (every process on the home)
 * </pre>
 *
 * Layer ids never start with a dot, so {@code .staging} and {@code .trash} cannot collide; the id
 * {@code l} is refused by the driver.
 */
record OverlayHome(Path root) {

  static final String LINKS = "l";

  Path links() {
    return root.resolve(LINKS);
  }

  Path staging() {
    return root.resolve(".staging");
  }

  Path trash() {
    return root.resolve(".trash");
  }

  Path projectIds() {
    return root.resolve(".project-ids");
  }

  Path layerDir(LayerId id) {
    return root.resolve(id.value());
  }

  Path diff(LayerId id) {
    return layerDir(id).resolve("diff");
  }

  Path merged(LayerId id) {
    return layerDir(id).resolve("merged");
  }

  Path work(LayerId id) {
    return layerDir(id).resolve("work");
  }

  Path empty(LayerId id) {
    return layerDir(id).resolve("empty");
  }

  Path committed(LayerId id) {
    return layerDir(id).resolve("committed");
  }

  /** The absolute path of a short link, as it goes into {@code lowerdir}. */
  Path link(String shortName) {
    return links().resolve(shortName);
  }

  /** The layer directories: everything in the home but {@code l/} and the dot directories. */
  List<Path> layerDirs() throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
      for (Path dir : entries) {
        String name = dir.getFileName().toString();
        if (!name.startsWith(".") && !name.equals(LINKS)) {
          dirs.add(dir);
        }
      }
    }
    return dirs;
  }

  void create() throws IOException {
    for (Path p : new Path[] {root, links(), staging(), trash()}) {
      Files.createDirectories(p);
    }
  }
}
