package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.testing.LayerTarBuilder;
import dev.strata.driver.Capability;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** overlay2 beyond the conformance suite: layout, options, probe, copy-up, restart. Needs root. */
class Overlay2DriverTest {

  @TempDir Path home;

  @BeforeEach
  void needRoot() {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "overlay mounts need root");
  }

  @AfterEach
  void nothingLeftMounted() throws IOException {
    List<Path> leaked = MountTable.self().mountPointsUnder(home);
    for (Path p : leaked) {
      new MountCalls().umount(p, MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), leaked, "mounts left under the home");
  }

  private GraphDriver open(DriverConfig config) throws IOException {
    return new Overlay2DriverProvider().open(config);
  }

  private static void readOnly(GraphDriver d, String id, String parent, LayerTarBuilder tar) throws IOException {
    d.createReadOnly(LayerId.of(id), Optional.ofNullable(parent).map(LayerId::of),
        new ByteArrayInputStream(tar.build()));
  }

  @Test
  public void create_stack_dockerLayoutWithShortLinksAndLowerFile() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      readOnly(d, "base", null, new LayerTarBuilder().file("f", "base", 0644));
      readOnly(d, "mid", "base", new LayerTarBuilder().file("g", "mid", 0644));
      d.createWritable(LayerId.of("top"), Optional.of(LayerId.of("mid")), Map.of());

      String baseLink = Files.readString(home.resolve("base/link"));
      String midLink = Files.readString(home.resolve("mid/link"));
      assertTrue(baseLink.matches("[A-Z0-9]{26}"), baseLink);
      assertEquals(Path.of("../base/diff"), Files.readSymbolicLink(home.resolve("l/" + baseLink)));
      assertEquals(Path.of("../mid/diff"), Files.readSymbolicLink(home.resolve("l/" + midLink)));
      assertFalse(Files.exists(home.resolve("base/lower")));
      assertEquals("l/" + baseLink, Files.readString(home.resolve("mid/lower")));
      assertEquals("l/" + midLink + ":l/" + baseLink, Files.readString(home.resolve("top/lower")));
      for (String p : List.of("top/diff", "top/work", "top/merged", "mid/diff", "mid/merged")) {
        assertTrue(Files.isDirectory(home.resolve(p)), p);
      }
      assertTrue(Files.exists(home.resolve("base/committed")) && Files.exists(home.resolve("mid/committed")));
      assertFalse(Files.exists(home.resolve("top/committed")));
      assertEquals("base", Files.readString(home.resolve("base/diff/f")));
      assertEquals(List.of(), Files.list(home.resolve(".staging")).toList());

      d.remove(LayerId.of("top"));
      assertFalse(Files.exists(home.resolve("top")));
      assertEquals(2, Files.list(home.resolve("l")).count());
    }
  }

  @Test
  public void mount_writableChild_copyUpLeavesLowerLayerUntouched() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      readOnly(d, "base", null, new LayerTarBuilder().dir("etc", 0755).file("etc/conf", "original", 0644));
      d.createWritable(LayerId.of("rw"), Optional.of(LayerId.of("base")), Map.of());
      Path view = d.mount(LayerId.of("rw"));
      try {
        Files.writeString(view.resolve("etc/conf"), "changed in the container");
        Files.writeString(view.resolve("etc/new"), "new");
        assertEquals("changed in the container", Files.readString(view.resolve("etc/conf")));
      } finally {
        d.unmount(LayerId.of("rw"));
      }

      assertEquals("original", Files.readString(home.resolve("base/diff/etc/conf")));
      assertFalse(Files.exists(home.resolve("base/diff/etc/new")));
      assertEquals("changed in the container", Files.readString(home.resolve("rw/diff/etc/conf")));
      Path baseView = d.mount(LayerId.of("base"));
      try {
        assertEquals("original", Files.readString(baseView.resolve("etc/conf")));
      } finally {
        d.unmount(LayerId.of("base"));
      }
    }
  }

  /**
   * A driver cannot tell a process that died holding views from a {@code strata mount} that left
   * one on purpose: counted views stay mounted (the layer store settles counts against its records).
   */
  @Test
  public void open_afterAProcessLeftViewsMounted_keepsThemCountedAndTheLayersWhole() throws IOException {
    GraphDriver exited = open(DriverConfig.of(home));
    readOnly(exited, "base", null, new LayerTarBuilder().file("f", "content", 0644));
    readOnly(exited, "app", "base", new LayerTarBuilder().file("g", "app", 0644));
    exited.createWritable(LayerId.of("rw"), Optional.of(LayerId.of("app")), Map.of());
    Path rwView = exited.mount(LayerId.of("rw"));
    Path appView = exited.mount(LayerId.of("app"));
    exited.close(); // leaves its mounts, as a killed process or a `strata mount` would
    List<Path> mounted = MountTable.self().mountPointsUnder(home);
    assertEquals(2, mounted.size());

    try (GraphDriver again = open(DriverConfig.of(home))) {
      assertEquals(mounted, MountTable.self().mountPointsUnder(home), "the same views, left in place");
      assertEquals(1, again.mountCount(LayerId.of("rw")));
      assertEquals(rwView, again.mount(LayerId.of("rw")));
      assertEquals("content", Files.readString(rwView.resolve("f")));
      assertEquals("app", Files.readString(rwView.resolve("g")));
      again.unmount(LayerId.of("rw"));
      again.unmount(LayerId.of("rw"));
      again.unmount(LayerId.of("app"));
      assertEquals(List.of(), MountTable.self().mountPointsUnder(home), "the last references unmounted them");
      assertFalse(Files.exists(appView.resolve("g")));
    }
  }

  @Test
  public void open_missingShortLinkAndLeftovers_restoresLinkAndSweeps() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      readOnly(d, "base", null, new LayerTarBuilder().file("f", "content", 0644));
      readOnly(d, "app", "base", new LayerTarBuilder());
    }
    String link = Files.readString(home.resolve("base/link"));
    Files.delete(home.resolve("l/" + link));
    Files.createSymbolicLink(home.resolve("l/DANGLINGDANGLINGDANGLING00"), Path.of("../gone/diff"));
    Files.createDirectories(home.resolve(".staging/half-built/diff"));
    Files.createDirectories(home.resolve(".trash/half-deleted/diff"));

    try (GraphDriver d = open(DriverConfig.of(home))) {
      assertEquals(Path.of("../base/diff"), Files.readSymbolicLink(home.resolve("l/" + link)));
      assertFalse(Files.exists(home.resolve("l/DANGLINGDANGLINGDANGLING00"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
      assertEquals(List.of(), Files.list(home.resolve(".staging")).toList());
      assertEquals(List.of(), Files.list(home.resolve(".trash")).toList());
      Path view = d.mount(LayerId.of("app"));
      try {
        assertEquals("content", Files.readString(view.resolve("f")));
      } finally {
        d.unmount(LayerId.of("app"));
      }
    }
  }

  @Test
  public void open_unknownOrQuotaOption_throwsInvalidArgumentOrUnsupported() {
    assertThrows(InvalidArgumentException.class,
        () -> open(DriverConfig.of(home).withOption("overlay2.colour", "blue")));
    var e = assertThrows(UnsupportedException.class,
        () -> open(DriverConfig.of(home).withOption("overlay2.size", "10G")));
    assertTrue(e.getMessage().contains("xfs"), e.getMessage());
  }

  @Test
  public void createWritable_sizeOption_throwsUnsupportedNamingXfsQuota() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(LayerId.of("rw"), Optional.empty(), Map.of("size", "10G")));
      assertTrue(e.getMessage().contains("prjquota"), e.getMessage());
      assertFalse(d.exists(LayerId.of("rw")));
    }
  }

  @Test
  public void createWritable_idL_throwsInvalidArgument() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      assertThrows(InvalidArgumentException.class,
          () -> d.createWritable(LayerId.of("l"), Optional.empty(), Map.of()));
    }
  }

  @Test
  public void status_defaults_reportsProbeMatrixAndNativeDiff() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      Map<String, String> status = d.status();

      assertEquals(Files.getFileStore(home).type(), status.get("backing filesystem"));
      assertEquals("true", status.get("supports d_type"));
      assertTrue(status.get("native diff").startsWith("true"), status.toString());
      assertTrue(status.get("mount options").contains("redirect_dir=on"), status.toString());
      for (String key : List.of("module index", "module redirect_dir", "module metacopy", "max depth", "mount")) {
        assertTrue(status.containsKey(key), key + " missing from " + status);
      }
      assertTrue(d.capabilities().contains(Capability.NATIVE_DIFF));
      assertTrue(d.capabilities().contains(Capability.READ_ONLY_VIEWS));
    }
  }

  @Test
  public void open_metacopyMountopt_noNativeDiffAndOptionKept() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home).withOption("overlay2.mountopt", "metacopy=on"))) {
      assertFalse(d.capabilities().contains(Capability.NATIVE_DIFF));
      d.createWritable(LayerId.of("rw"), Optional.empty(), Map.of());
      List<String> options = d.mounts(LayerId.of("rw"), home.resolve("rw/merged")).get(0).options();
      assertEquals("metacopy=on", options.get(options.size() - 1));
    }
  }

  @Test
  public void mount_redirectDirOffMountopt_keptAndRenameOfLowerDirIsRefused() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home).withOption("overlay2.mountopt", "redirect_dir=off"))) {
      readOnly(d, "base", null, new LayerTarBuilder().dir("x", 0755).file("x/f", "f", 0644));
      d.createWritable(LayerId.of("rw"), Optional.of(LayerId.of("base")), Map.of());
      List<String> options = d.mounts(LayerId.of("rw"), home.resolve("rw/merged")).get(0).options();
      assertTrue(options.contains("redirect_dir=off") && !options.contains("redirect_dir=on"), options.toString());

      Path view = d.mount(LayerId.of("rw"));
      try {
        // rename(2) gives EXDEV; Files.move then copies, which it refuses for a non-empty directory.
        // This is why redirect_dir=on is the default.
        assertThrows(DirectoryNotEmptyException.class, () -> Files.move(view.resolve("x"), view.resolve("y")));
      } finally {
        d.unmount(LayerId.of("rw"));
      }
    }
  }

  @Test
  public void graphDrivers_serviceLoader_findsOverlay2() throws IOException {
    GraphDrivers drivers = new GraphDrivers();

    assertTrue(drivers.names().contains("overlay2"), drivers.names().toString());
    try (GraphDriver d = drivers.open("overlay2", DriverConfig.of(home))) {
      assertEquals("overlay2", d.name());
      assertEquals(home, d.home());
    }
  }

  @Test
  public void probe_homeNotYetCreated_testMountSucceedsAndLeavesNothing() throws IOException {
    var result = new Overlay2DriverProvider().probe(home.resolve("strata/overlay2"));

    assertTrue(result.supported(), result.reason());
    assertTrue(result.reason().contains("test overlay mount"), result.reason());
    try (var left = Files.list(home)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  public void probe_homeOnOverlay_unsupportedWithReason() throws IOException {
    Path lower = Files.createDirectories(home.resolve("ovl/lower"));
    Path merged = Files.createDirectories(home.resolve("ovl/merged"));
    Files.createDirectories(home.resolve("ovl/upper"));
    Files.createDirectories(home.resolve("ovl/work"));
    new MountCalls().mount("overlay", merged, "overlay", 0, "lowerdir=" + lower + ",upperdir="
        + home.resolve("ovl/upper") + ",workdir=" + home.resolve("ovl/work"));
    try {
      var result = new Overlay2DriverProvider().probe(merged.resolve("strata"));
      assertFalse(result.supported());
      assertTrue(result.reason().contains("overlay"), result.reason());
    } finally {
      new MountCalls().umount(merged, 0);
    }
  }
}
