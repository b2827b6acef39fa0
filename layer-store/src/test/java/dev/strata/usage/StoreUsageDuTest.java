package dev.strata.usage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's figures equal a {@code du --apparent-size}-style count of the same store on overlay2,
 * where each layer's directory holds only its own files: the regular files' sizes under every
 * image layer's {@code diff/}, every container's write layer {@code diff/} and every volume's
 * {@code _data}, each inode once. (Init layers hold only empty files and mount points.)
 */
class StoreUsageDuTest {

  @TempDir Path tmp;
  private UsageStores stores;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "overlay2 mounts need root");
    stores = new UsageStores(tmp.resolve("root"), "overlay2");
    stores.buildTheStore();
  }

  @AfterEach
  void close() throws IOException {
    if (stores != null) {
      stores.close();
    }
    assertEquals(List.of(), UsageStores.unmountLeftovers(tmp), "mounts left behind");
  }

  @Test
  void report_onOverlay2_equalsTheContentBytesOnDisk() throws IOException {
    Path layerdb = stores.root.resolve("image/overlay2/layerdb");
    Path home = stores.root.resolve("overlay2");
    long imageLayers = 0;
    for (Path record : list(layerdb.resolve("sha256"))) {
      imageLayers += du(home.resolve(Files.readString(record.resolve("cache-id")).trim()).resolve("diff"));
    }
    long writeLayers = 0;
    for (Path record : list(layerdb.resolve("mounts"))) {
      writeLayers += du(home.resolve(Files.readString(record.resolve("mount-id")).trim()).resolve("diff"));
    }
    long volumes = 0;
    for (Path volume : list(stores.root.resolve("volumes"))) {
      volumes += du(volume.resolve("_data"));
    }

    UsageReport df = stores.usage().report();

    assertEquals(List.of(4128L, 57L, 311L), List.of(imageLayers, writeLayers, volumes), "the store as built");
    assertEquals(List.of(imageLayers, writeLayers, volumes),
        List.of(df.images().sizeBytes(), df.containers().sizeBytes(), df.volumes().sizeBytes()));
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    }
  }

  /** Apparent bytes of regular files, each inode once, symlinks not followed. */
  private static long du(Path root) throws IOException {
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && seen.add(attrs.fileKey())) {
          bytes[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return bytes[0];
  }
}
