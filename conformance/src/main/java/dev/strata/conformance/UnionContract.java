package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Capability;
import dev.strata.files.FileTrees;
import dev.strata.posix.FileNodes;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A stack of layers reads like one flat directory built by the same operations [containerd
 * checkSnapshots]. Layers come from tars ({@link LayerTarBuilder#applyTo} builds the reference) or
 * from plain file operations on a mounted writable layer ({@link #editBoth}).
 */
public interface UnionContract extends DriverContract {

  private static LayerTarBuilder tree() {
    return new LayerTarBuilder()
        .dir("a", 0755)
        .file("a/keep", "keep", 0644)
        .file("a/gone", "gone", 0644)
        .dir("a/b", 0755)
        .file("a/b/one", "one", 0644)
        .dir("a/b/c", 0755)
        .file("a/b/c/two", "two", 0644)
        .dir("a/b/c/d", 0755)
        .file("a/b/c/d/three", "three", 0644)
        .dir("x", 0700)
        .file("x/old", "old", 0600)
        .dir("x/sub", 0755)
        .file("x/sub/deeper", "deeper", 0644);
  }

  /** Two layers: builds the base from {@link #tree()} and the reference for it. */
  private Path base() throws IOException {
    Path ref = newReference();
    LayerTarBuilder base = tree();
    readOnly("base", null, base);
    base.applyTo(ref, isRoot());
    return ref;
  }

  private Path stack(String id, String parent, LayerTarBuilder tar, Path ref) throws IOException {
    readOnly(id, parent, tar);
    tar.applyTo(ref, isRoot());
    return ref;
  }

  @Test
  default void view_overwriteContentAndModeInUpper_matchesReference() throws IOException {
    Path ref = base();
    stack("upper", "base", new LayerTarBuilder()
        .dir("a", 0711)
        .file("a/keep", "replaced content, longer than before", 0600)
        .file("a/b/one", "1", 0755), ref);

    assertViewMatches("upper", ref, Times.FILES_TO_SECONDS);
  }

  @Test
  default void view_fileAndDirDeletedByWhiteouts_matchesReference() throws IOException {
    Path ref = base();
    stack("upper", "base", new LayerTarBuilder()
        .whiteout("a/gone")
        .whiteout("a/b/c")
        .whiteout("x"), ref);
    writable("top", "upper");

    assertViewMatches("top", ref, Times.FILES_TO_SECONDS);
    // The driver's own view, not only its agreement with the reference: a reference builder that
    // ignored whiteouts would agree with a driver that ignores them too.
    assertEquals(Set.of("/", "/a", "/a/keep", "/a/b", "/a/b/one"), snapshot("top").paths());
  }

  @Test
  default void view_fileAndDirDeletedInMountedWritable_matchesReference() throws IOException {
    Path ref = base();
    writable("rw", "base");

    editBoth("rw", ref, root -> {
      Files.delete(root.resolve("a/gone"));
      FileTrees.delete(root.resolve("a/b/c"));
      FileTrees.delete(root.resolve("x"));
    });
    writable("top", "rw");

    assertViewMatches("rw", ref, Times.IGNORE);
    assertViewMatches("top", ref, Times.IGNORE);
  }

  @Test
  default void view_opaqueDirsAtSeveralDepths_hideOldChildren() throws IOException {
    Path ref = base();
    stack("upper", "base", new LayerTarBuilder()
        .dir("x", 0755)
        .opaque("x")
        .file("x/fresh", "fresh", 0644)
        .dir("a/b", 0755)
        .opaque("a/b")
        .dir("a/b/c", 0750)
        .file("a/b/c/new", "new", 0644), ref);
    stack("top", "upper", new LayerTarBuilder()
        .dir("a/b/c", 0750)
        .opaque("a/b/c"), ref);

    assertViewMatches("top", ref, Times.FILES_TO_SECONDS);
    assertEquals(Set.of("/", "/a", "/a/keep", "/a/gone", "/a/b", "/a/b/c", "/x", "/x/fresh"),
        snapshot("top").paths());
  }

  @Test
  default void view_rmRfThenMkdirInMountedWritable_hidesOldChildrenAtEveryDepth() throws IOException {
    Path ref = base();
    writable("rw", "base");

    editBoth("rw", ref, root -> {
      for (String dir : new String[] {"x", "a/b", "a/b/c/d"}) {
        if (Files.exists(root.resolve(dir))) {
          FileTrees.delete(root.resolve(dir));
        }
      }
      Files.createDirectories(root.resolve("x"));
      Files.writeString(root.resolve("x/only"), "only");
      Files.createDirectories(root.resolve("a/b/c/d"));
      Files.writeString(root.resolve("a/b/c/d/newest"), "newest");
    });
    writable("top", "rw");

    assertViewMatches("top", ref, Times.IGNORE);
  }

  @Test
  default void view_chownNestedTreeOverLayers_matchesReference() throws IOException {
    assumeRoot("chown to other users");
    Path ref = base();
    FileNodes nodes = new FileNodes();
    writable("l2", "base");
    editBoth("l2", ref, root -> chownTree(nodes, root.resolve("a"), 1000, 1000));
    readOnly("l2ro", "l2", new LayerTarBuilder());
    writable("l3", "l2ro");
    editBoth("l3", ref, root -> {
      chownTree(nodes, root.resolve("a/b/c"), 2, 3);
      Files.writeString(root.resolve("a/b/c/added"), "by l3");
    });

    assertViewMatches("l3", ref, Times.IGNORE);
  }

  @Test
  default void view_chownRemoveRecreateOverThreeLayers_keepsPermissions() throws IOException {
    assumeRoot("chown to other users");
    Path ref = newReference();
    FileNodes nodes = new FileNodes();
    writable("l1", null);
    editBoth("l1", ref, root -> {
      Files.createDirectories(root.resolve("dir/sub"));
      nodes.lchown(root.resolve("dir"), 1000, 1000);
      nodes.chmod(root.resolve("dir"), 0700);
    });
    writable("l2", "l1");
    editBoth("l2", ref, root -> {
      FileTrees.delete(root.resolve("dir"));
      Files.createDirectory(root.resolve("dir"));
      nodes.lchown(root.resolve("dir"), 2000, 2000);
      nodes.chmod(root.resolve("dir"), 0750);
    });
    writable("l3", "l2");
    editBoth("l3", ref, root -> Files.writeString(root.resolve("dir/file"), "f"));

    assertViewMatches("l3", ref, Times.IGNORE);
    assertEquals(2000, snapshot("l3").get("/dir").uid());
  }

  @Test
  default void view_renamesInMountedWritable_matchReference() throws IOException {
    Path ref = base();
    writable("rw", "base");

    editBoth("rw", ref, root -> {
      Files.move(root.resolve("a/keep"), root.resolve("a/kept"));
      Files.move(root.resolve("a/b/one"), root.resolve("a/gone"), StandardCopyOption.REPLACE_EXISTING);
      Files.createDirectory(root.resolve("moved"));
      Files.move(root.resolve("a/b/c/two"), root.resolve("moved/two"));
      Files.move(root.resolve("x"), root.resolve("y"));
    });
    writable("top", "rw");

    assertViewMatches("rw", ref, Times.IGNORE);
    assertViewMatches("top", ref, Times.IGNORE);
  }

  /** 128 layers, or as many as the driver stacks on this kernel (overlay2 before Linux 6.8: ~60). */
  @Test
  default void view_deepStackWithOverwriteInEveryLayer_matchesReference() throws IOException {
    int depth = Math.min(128, driver().maxDepth());
    Path ref = newReference();
    String parent = null;
    for (int i = 1; i <= depth; i++) {
      LayerTarBuilder tar = new LayerTarBuilder()
          .dir("layers", 0755)
          .file("layers/" + i, "layer " + i, 0644)
          .file("shared", "written by layer " + i, 0600 + (i % 2) * 044);
      String id = "L" + i;
      stack(id, parent, tar, ref);
      parent = id;
    }

    assertViewMatches("L" + depth, ref, Times.FILES_TO_SECONDS);
    assertEquals(depth, driver().info(id("L" + depth)).depth());
  }

  @Test
  default void view_hardlinksWithinLayer_shareOneInodeAndSurviveIntoChild() throws IOException {
    Path ref = newReference();
    stack("base", null, new LayerTarBuilder()
        .dir("d", 0755)
        .file("d/orig", "linked content", 0640)
        .hardlink("d/link", "d/orig")
        .hardlink("other", "d/orig"), ref);
    writable("child", "base");

    for (String id : new String[] {"base", "child"}) {
      Path view = driver().mount(id(id));
      try {
        assertTrue(Files.isSameFile(view.resolve("d/orig"), view.resolve("d/link")), id);
        assertTrue(Files.isSameFile(view.resolve("d/orig"), view.resolve("other")), id);
      } finally {
        driver().unmount(id(id));
      }
      assertViewMatches(id, ref, Times.FILES_TO_SECONDS);
    }
  }

  @Test
  default void view_symlinksXattrsAndOddNames_matchReference() throws IOException {
    Path ref = newReference();
    String longName = "n".repeat(200);
    StringBuilder deep = new StringBuilder("deep");
    LayerTarBuilder tar = new LayerTarBuilder().dir("deep", 0755);
    for (int i = 0; i < 30; i++) {
      deep.append("/level").append(i);
      tar.dir(deep.toString(), 0755);
    }
    tar.file(deep + "/bottom", "bottom", 0644)
        .file(longName, "long", 0644)
        .file("ünïcödé ✓ name", "utf-8", 0644)
        .file("tagged", "x", 0644).xattr("user.one", "1").xattr("user.two", "second value")
        .symlink("abs", "/etc/passwd")
        .symlink("rel", "../../outside")
        .symlink("dangling", "nowhere/at/all");
    stack("base", null, tar, ref);
    writable("child", "base");

    assertViewMatches("child", ref, Times.FILES_TO_SECONDS);
  }

  @Test
  default void view_devicesFifoStickyAndSetuidInParent_surviveIntoChild() throws IOException {
    assumeRoot("device nodes and setuid files owned by others");
    assumeCapability(Capability.DEVICE_NODES);
    Path ref = newReference();
    stack("base", null, new LayerTarBuilder()
        .dir("dev", 0755)
        .charDevice("dev/null", 0666, 1, 3)
        .blockDevice("dev/loop9", 0660, 7, 9).owner(0, 6)
        .fifo("dev/pipe", 0620)
        .dir("tmp", 01777)
        .dir("shared", 02775).owner(0, 100)
        .file("su", "pretend", 04755)
        .file("sg", "pretend", 02711).owner(0, 5), ref);
    writable("child", "base");
    readOnly("grandchild", "child", new LayerTarBuilder());

    assertViewMatches("child", ref, Times.FILES_TO_SECONDS);
    assertViewMatches("grandchild", ref, Times.FILES_TO_SECONDS);
  }

  @Test
  default void view_writesInWritableChild_doNotReachParent() throws IOException {
    Path ref = base();
    writable("rw", "base");

    edit("rw", root -> {
      Files.writeString(root.resolve("a/keep"), "changed in child");
      Files.setPosixFilePermissions(root.resolve("a/b/one"), PosixFilePermissions.fromString("rwx------"));
      Files.delete(root.resolve("a/gone"));
      Files.writeString(root.resolve("added"), "new");
    });

    assertViewMatches("base", ref, Times.FILES_TO_SECONDS);
  }

  private static void chownTree(FileNodes nodes, Path top, int uid, int gid) throws IOException {
    try (var walk = Files.walk(top)) {
      for (Path p : walk.toList()) {
        nodes.lchown(p, uid, gid);
      }
    }
  }
}
