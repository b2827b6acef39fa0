package dev.strata.tar;

import static dev.strata.tar.LayerDifferChangesTest.T;
import static dev.strata.tar.LayerDifferChangesTest.baseTree;
import static dev.strata.tar.DiffFixtures.copy;
import static dev.strata.tar.DiffFixtures.mtime;
import static dev.strata.tar.DiffFixtures.run;
import static dev.strata.tar.DiffFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-world compatibility: GNU tar lists and extracts the diff, and the extract is the upper. */
class LayerDifferGnuTarTest {

  @TempDir Path tmp;

  /** The mixed changes of the tar test, plus metadata, xattrs, devices, long names and type swaps. */
  private Path richUpper(Path lower) throws Exception {
    new Xattrs().set(lower.resolve("etc/hosts"), "user.old", new byte[] {1});
    Path upper = LayerDifferTarTest.mixedUpper(lower, tmp.resolve("upper"));
    FileNodes nodes = new FileNodes();
    nodes.chmod(upper.resolve("usr/bin/x"), 04755);
    new Xattrs().set(upper.resolve("usr/bin/x"), "user.bin", new byte[] {0, (byte) 0xff, '\n', '='});
    new Xattrs().remove(upper.resolve("etc/hosts"), "user.old");
    write(upper.resolve("usr/lib/" + "n".repeat(120) + "/é"), "deep");
    DiffFixtures.run(upper, "rm", "-rf", "usr/bin/sh", "usr/bin/bash");
    write(upper.resolve("usr/bin/sh/inner"), "file became a dir");
    Files.createDirectories(upper.resolve("gone/deeper"));
    mtime(upper.resolve("etc/motd"), T + 1, 1);
    mtime(upper.resolve("link"), T + 2, 2);
    mtime(upper.resolve("usr/bin/sh"), T + 4, 4);
    mtime(upper.resolve("usr/lib"), T + 3, 0);
    if (nodes.isRoot()) {
      nodes.lchown(upper.resolve("etc/motd"), 3_000_000, 42);
      nodes.mknod(upper.resolve("etc/null"), FileNodes.S_IFCHR, 0666, 1, 3);
      nodes.mkfifo(upper.resolve("etc/fifo"), 0600);
    }
    return upper;
  }

  private Path writeTar(Path lower, Path upper) throws Exception {
    Path tar = tmp.resolve("diff.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      new LayerDiffer().writeDiff(Optional.of(lower), upper, out);
    }
    return tar;
  }

  @Test
  void writeDiff_listedByGnuTar_showsEveryEntry() throws Exception {
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = richUpper(lower);
    Path tar = writeTar(lower, upper);
    String listing = run(tmp, "tar", "--numeric-owner", "-tvf", tar.toString());
    List<TarArchiveEntry> entries = DiffFixtures.entries(Files.readAllBytes(tar));
    assertEquals(entries.size(), listing.lines().count(), listing);
    assertTrue(listing.contains("usr/bin/y link to usr/bin/x"), listing);
    assertTrue(listing.contains("usr/lib/.wh..wh..opq"), listing);
  }

  @Test
  void writeDiff_extractedByGnuTarOntoLowerCopy_reproducesUpper() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "restoring owners and devices needs root");
    Path lower = baseTree(tmp.resolve("lower"));
    Path upper = richUpper(lower);
    Path tar = writeTar(lower, upper);
    Path target = copy(lower, tmp.resolve("target"));
    // What a layer applier does before writing entries: honour whiteouts and opaque markers, and
    // clear a path whose type changes between directory and non-directory.
    for (TarArchiveEntry e : DiffFixtures.entries(Files.readAllBytes(tar))) {
      String name = e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName();
      Path path = target.resolve(name);
      String base = path.getFileName().toString();
      if (base.equals(".wh..wh..opq")) {
        try (var children = Files.list(path.getParent())) {
          for (Path child : children.toList()) {
            run(tmp, "rm", "-rf", child.toString());
          }
        }
      } else if (base.startsWith(".wh.")) {
        run(tmp, "rm", "-rf", path.resolveSibling(base.substring(4)).toString());
      } else if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)
          && e.isDirectory() != Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
        run(tmp, "rm", "-rf", path.toString());
      }
    }
    run(tmp, "tar", "-xpf", tar.toString(), "-C", target.toString(), "--numeric-owner",
        "--xattrs", "--xattrs-include=*", "--exclude=.wh.*");
    TreeSnapshot.ofCopy(target).withoutRoot().assertMatches(TreeSnapshot.ofCopy(upper).withoutRoot(), Times.EXACT);
  }
}
