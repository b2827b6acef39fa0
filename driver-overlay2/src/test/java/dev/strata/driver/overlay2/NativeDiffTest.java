package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot;
import dev.strata.driver.Change;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.posix.Xattrs;
import dev.strata.tar.LayerDiffer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The diff read from a layer's upper directory: overlay's markers in, a layer tar's out. Needs root. */
class NativeDiffTest {

  @TempDir Path home;
  private GraphDriver driver;

  @BeforeEach
  void open() throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
    driver = new Overlay2DriverProvider().open(DriverConfig.of(home));
    driver.createReadOnly(id("base"), Optional.empty(), new ByteArrayInputStream(new LayerTarBuilder()
        .dir("etc", 0755).file("etc/a", "alpha", 0644).file("etc/b", "beta", 0644)
        .dir("var", 0755).dir("var/x", 0755).file("var/x/y", "why", 0644)
        .dir("usr", 0755).file("usr/keep", "keep", 0644).file("usr/one", "one", 0644)
        .dir("x", 0700).file("x/old", "old", 0600)
        .build()));
  }

  @AfterEach
  void close() throws IOException {
    if (driver != null) {
      driver.close();
    }
    List<Path> leaked = MountTable.self().mountPointsUnder(home);
    for (Path p : leaked) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), leaked, "mounts left under the home");
  }

  private static LayerId id(String value) {
    return LayerId.of(value);
  }

  private void editInContainer(String layer, Edit edit) throws IOException {
    Path view = driver.mount(id(layer));
    try {
      edit.apply(view);
    } finally {
      driver.unmount(id(layer));
    }
  }

  @FunctionalInterface
  private interface Edit {
    void apply(Path root) throws IOException;
  }

  @Test
  public void diff_rmAndRmRfMkdirInMergedMount_whiteoutsAndOpaqueMarkersInTar() throws IOException {
    driver.createWritable(id("rw"), Optional.of(id("base")), Map.of());
    editInContainer("rw", root -> {
      Files.delete(root.resolve("etc/b"));
      FileTrees.delete(root.resolve("var/x"));
      FileTrees.delete(root.resolve("usr"));
      Files.createDirectory(root.resolve("usr"));
      Files.writeString(root.resolve("usr/only"), "only");
    });
    Path upper = home.resolve("rw/diff");
    assertEquals("0:0", device(upper.resolve("etc/b")));
    assertEquals("0:0", device(upper.resolve("var/x")));
    assertEquals("y", new String(new Xattrs().get(upper.resolve("usr"), "trusted.overlay.opaque").orElseThrow()));

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver.diff(id("rw"), tar);

    // var/x was var's only child: with nothing of var left, the differ marks var opaque, as the
    // generic differ does for the same views.
    assertEquals(List.of("etc/", "etc/.wh.b", "usr/", "usr/.wh..wh..opq", "usr/only", "var/", "var/.wh..wh..opq"),
        entryNames(tar.toByteArray()));
    assertEquals(List.of(change("/etc", 'C'), change("/etc/b", 'D'), change("/usr", 'C'),
        change("/usr/keep", 'D'), change("/usr/one", 'D'), change("/usr/only", 'A'),
        change("/var", 'C'), change("/var/x", 'D')), driver.changes(id("rw")));
  }

  @Test
  public void diff_containerEdits_sameBytesChangesAndSizeAsGenericDiffer() throws IOException {
    driver.createWritable(id("rw"), Optional.of(id("base")), Map.of());
    editInContainer("rw", root -> {
      Files.writeString(root.resolve("etc/a"), "changed!");
      Files.setPosixFilePermissions(root.resolve("usr/one"), PosixFilePermissions.fromString("rwx------"));
      Files.delete(root.resolve("etc/b"));
      FileTrees.delete(root.resolve("var/x"));
      Files.delete(root.resolve("usr/keep"));
      Files.createDirectories(root.resolve("new/dir"));
      Files.writeString(root.resolve("new/dir/file1"), "12345");
      Files.createLink(root.resolve("new/link"), root.resolve("new/dir/file1"));
      Files.createSymbolicLink(root.resolve("new/sym"), Path.of("dir/file1"));
      Files.delete(root.resolve("x/old"));
      Files.writeString(root.resolve("x/fresh"), "fresh");
    });

    assertSameAsGeneric("rw", "base");
  }

  @Test
  public void diff_readOnlyLayerFromTar_sameBytesAsGenericDifferAndReplays() throws IOException {
    driver.createReadOnly(id("upper"), Optional.of(id("base")), new ByteArrayInputStream(new LayerTarBuilder()
        .whiteout("etc/b").whiteout("var/x")
        .dir("usr", 0755).opaque("usr").file("usr/only", "only", 0644)
        .dir("x", 0700).whiteout("x/old").whiteout("x/never-existed")
        .dir("fresh", 0755).file("fresh/file", "f", 0644)
        .build()));

    assertSameAsGeneric("upper", "base");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver.diff(id("upper"), tar);
    driver.createReadOnly(id("replay"), Optional.of(id("base")), new ByteArrayInputStream(tar.toByteArray()));
    snapshot("replay").assertMatches(snapshot("upper"), TreeSnapshot.Times.FILES_TO_SECONDS);
  }

  @Test
  public void createReadOnly_opaqueRoot_hidesEveryLowerNameAndDiffRoundTrips() throws IOException {
    driver.createReadOnly(id("upper"), Optional.of(id("base")), new ByteArrayInputStream(new LayerTarBuilder()
        .opaque("").dir("etc", 0755).file("etc/fresh", "fresh", 0644).build()));

    assertEquals(java.util.Set.of("/", "/etc", "/etc/fresh"), snapshot("upper").paths());
    assertSameAsGeneric("upper", "base");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver.diff(id("upper"), tar);
    // etc survives by name, so the root is not opaque in the diff; etc's old children are gone.
    assertEquals(List.of(".wh.usr", ".wh.var", ".wh.x", "etc/", "etc/.wh..wh..opq", "etc/fresh"),
        entryNames(tar.toByteArray()).stream().sorted().toList());
    driver.createReadOnly(id("replay"), Optional.of(id("base")), new ByteArrayInputStream(tar.toByteArray()));
    snapshot("replay").assertMatches(snapshot("upper"), TreeSnapshot.Times.FILES_TO_SECONDS);
  }

  @Test
  public void diff_containerEmptiedRoot_opaqueRootReplaysToSameView() throws IOException {
    driver.createWritable(id("rw"), Optional.of(id("base")), Map.of());
    editInContainer("rw", root -> {
      try (var children = Files.list(root)) {
        for (Path child : children.toList()) {
          FileTrees.delete(child);
        }
      }
      Files.createDirectory(root.resolve("etc"));
      Files.writeString(root.resolve("etc/only"), "only");
    });
    assertSameAsGeneric("rw", "base");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver.diff(id("rw"), tar);

    driver.createReadOnly(id("replay"), Optional.of(id("base")), new ByteArrayInputStream(tar.toByteArray()));

    assertEquals(java.util.Set.of("/", "/etc", "/etc/only"), snapshot("replay").paths());
    snapshot("replay").assertMatches(snapshot("rw"), TreeSnapshot.Times.FILES_TO_SECONDS);
  }

  @Test
  public void diff_renamedLowerDirectory_redirectFallsBackToGenericAndReplays() throws IOException {
    driver.createWritable(id("rw"), Optional.of(id("base")), Map.of());
    editInContainer("rw", root -> Files.move(root.resolve("var"), root.resolve("var2")));
    assertTrue(new Xattrs().get(home.resolve("rw/diff/var2"), "trusted.overlay.redirect").isPresent(),
        "the kernel did not record a redirect; the fallback is not exercised");

    assertSameAsGeneric("rw", "base");
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver.diff(id("rw"), tar);
    driver.createReadOnly(id("replay"), Optional.of(id("base")), new ByteArrayInputStream(tar.toByteArray()));
    snapshot("replay").assertMatches(snapshot("rw"), TreeSnapshot.Times.FILES_TO_SECONDS);
  }

  private void assertSameAsGeneric(String layer, String parent) throws IOException {
    ByteArrayOutputStream nativeTar = new ByteArrayOutputStream();
    long nativeSize = driver.diff(id(layer), nativeTar);
    List<Change> nativeChanges = driver.changes(id(layer));
    long nativeDiffSize = driver.diffSize(id(layer));

    ByteArrayOutputStream genericTar = new ByteArrayOutputStream();
    Path view = driver.mount(id(layer));
    Path parentView = driver.mount(id(parent));
    long genericSize;
    List<Change> genericChanges;
    try {
      genericSize = new LayerDiffer().writeDiff(Optional.of(parentView), view, genericTar);
      genericChanges = new LayerDiffer().changes(Optional.of(parentView), view);
    } finally {
      driver.unmount(id(parent));
      driver.unmount(id(layer));
    }

    assertEquals(genericChanges, nativeChanges);
    assertEquals(entryNames(genericTar.toByteArray()), entryNames(nativeTar.toByteArray()));
    assertArrayEquals(genericTar.toByteArray(), nativeTar.toByteArray());
    assertEquals(genericSize, nativeSize);
    assertEquals(genericSize, nativeDiffSize);
  }

  private TreeSnapshot snapshot(String layer) throws IOException {
    Path view = driver.mount(id(layer));
    try {
      return TreeSnapshot.of(view);
    } finally {
      driver.unmount(id(layer));
    }
  }

  private static Change change(String path, char kind) {
    return new Change(path, switch (kind) {
      case 'A' -> Change.Kind.ADDED;
      case 'C' -> Change.Kind.MODIFIED;
      default -> Change.Kind.DELETED;
    });
  }

  private static String device(Path p) throws IOException {
    int mode = (Integer) Files.getAttribute(p, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    assertEquals(0020000, mode & 0170000, p + " is not a character device");
    long rdev = (Long) Files.getAttribute(p, "unix:rdev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
    return FileNodes.major(rdev) + ":" + FileNodes.minor(rdev);
  }

  private static List<String> entryNames(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        names.add(e.getName());
      }
    }
    return names;
  }
}
