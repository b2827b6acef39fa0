package dev.strata.driver.vfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Capability;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.Usage;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.CopyMethod;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What is particular to vfs: layout, sweeping, options, copy method, usage, bind views. */
class VfsDriverTest {

  @TempDir Path home;

  private static final LayerId BASE = LayerId.of("base");
  private static final LayerId RW = LayerId.of("rw");

  private GraphDriver open(DriverConfig config) throws IOException {
    return new VfsDriverProvider().open(config);
  }

  @Test
  void open_freshHome_createsFixedDirsAndNothingElse() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      assertEquals(List.of("dir", "meta", "mnt", "staging", "trash"), list(home));
      assertEquals(VfsDriver.MAX_DEPTH, d.maxDepth());
    }
  }

  @Test
  void status_freshHome_reportsFilesystemCopyMethodAndLayers() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createWritable(BASE, Optional.empty(), Map.of());
      Map<String, String> status = d.status();

      assertEquals(List.of("backing filesystem", "copy", "layers", "bind mounts"), List.copyOf(status.keySet()));
      assertEquals(Files.getFileStore(home).type(), status.get("backing filesystem"));
      Path scratch = Files.createTempDirectory(home, "probe");
      assertEquals(CopyMethod.detect(scratch).label(), status.get("copy"));
      assertEquals("1", status.get("layers"));
    }
  }

  @Test
  void createWritable_sizeOption_throwsUnsupportedNamingIt() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("size", "10G")));

      assertTrue(e.getMessage().contains("vfs does not support quota option size"), e.getMessage());
      assertEquals("size", e.subject());
      assertFalse(d.exists(RW));
      assertFalse(d.capabilities().contains(Capability.QUOTA));
    }
  }

  @Test
  void createWritable_otherOption_throwsUnsupportedNamingIt() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      var e = assertThrows(UnsupportedException.class,
          () -> d.createWritable(RW, Optional.empty(), Map.of("inodes", "1000")));
      assertTrue(e.getMessage().contains("inodes"), e.getMessage());
    }
  }

  @Test
  void open_unknownOption_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class,
        () -> open(DriverConfig.of(home).withOption("vfs.nope", "1")));
    assertThrows(InvalidArgumentException.class,
        () -> open(DriverConfig.of(home).withOption("vfs.bind", "maybe")));
  }

  @Test
  void open_leftoversOfCrashedCreateAndRemove_areSwept() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createWritable(BASE, Optional.empty(), Map.of());
      Files.writeString(d.mount(BASE).resolve("kept"), "kept");
      d.unmount(BASE);
    }
    Files.createDirectories(home.resolve("staging/half/usr/bin"));
    Files.writeString(home.resolve("staging/half/usr/bin/tool"), "half copied");
    Path trashed = Files.createDirectories(home.resolve("trash/old-1234/etc"));
    Files.setPosixFilePermissions(trashed, java.nio.file.attribute.PosixFilePermissions.fromString("r-x------"));
    Files.createDirectories(home.resolve("dir/renamed-but-no-record/x"));
    Files.writeString(home.resolve("meta/record-but-no-dir.properties"), "parent=\nwritable=true\ndepth=1\n");
    Files.writeString(home.resolve("meta/.tmp-base"), "half written");

    try (GraphDriver d = open(DriverConfig.of(home))) {
      assertEquals(Set.of(BASE), d.layers());
      assertEquals(List.of(), list(home.resolve("staging")));
      assertEquals(List.of(), list(home.resolve("trash")));
      assertEquals(List.of("base"), list(home.resolve("dir")));
      assertEquals(List.of("base.properties"), list(home.resolve("meta")));
      assertEquals("kept", Files.readString(d.mount(BASE).resolve("kept")));
      d.unmount(BASE);
    }
  }

  @Test
  void remove_layer_leavesNoTraceInHome() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createWritable(BASE, Optional.empty(), Map.of());
      d.createWritable(RW, Optional.of(BASE), Map.of());
      d.remove(RW);

      assertEquals(List.of("base"), list(home.resolve("dir")));
      assertEquals(List.of("base.properties"), list(home.resolve("meta")));
      assertEquals(List.of(), list(home.resolve("trash")));
    }
  }

  @Test
  void usage_hardlinksAndHoles_countedAsDuDoes() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createWritable(RW, Optional.empty(), Map.of());
      Path view = d.mount(RW);
      Files.write(view.resolve("data"), new byte[1 << 20]);
      Files.createLink(view.resolve("data-link"), view.resolve("data"));
      try (RandomAccessFile f = new RandomAccessFile(view.resolve("sparse").toFile(), "rw")) {
        f.setLength(1L << 30);
      }
      d.unmount(RW);

      Usage usage = d.usage(RW);

      assertEquals(3, usage.inodes()); // the root, data (twice linked), sparse
      assertTrue(usage.bytes() >= 1 << 20 && usage.bytes() < (1 << 20) + 64 * 1024, "bytes " + usage.bytes());
    }
  }

  @Test
  void child_ofLayerWithSparseFile_keepsTheHole() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createWritable(BASE, Optional.empty(), Map.of());
      try (RandomAccessFile f = new RandomAccessFile(d.mount(BASE).resolve("sparse").toFile(), "rw")) {
        f.seek(512L << 20);
        f.write(1);
      }
      d.unmount(BASE);

      d.createWritable(RW, Optional.of(BASE), Map.of());

      assertTrue(d.usage(RW).bytes() < 1 << 20, "bytes " + d.usage(RW).bytes());
      assertEquals((512L << 20) + 1, Files.size(home.resolve("dir/rw/sparse")));
    }
  }

  @Test
  void mounts_imageAndWritableLayer_describeBindMounts() throws IOException {
    try (GraphDriver d = open(DriverConfig.of(home))) {
      d.createReadOnly(BASE, Optional.empty(), new java.io.ByteArrayInputStream(
          new dev.strata.testing.LayerTarBuilder().build()));
      d.createWritable(RW, Optional.of(BASE), Map.of());
      Path target = Path.of("/run/ctr/rootfs");

      assertEquals(List.of(new Mount("bind", home.resolve("dir/base").toString(), target, List.of("bind", "ro"))),
          d.mounts(BASE, target));
      assertEquals(List.of(new Mount("bind", home.resolve("dir/rw").toString(), target, List.of("bind"))),
          d.mounts(RW, target));
    }
  }

  @Test
  void mount_bindModeWithRecordingMounter_mountsOnceAndUnmountsOnce() throws IOException {
    RecordingMounter mounter = new RecordingMounter();
    try (GraphDriver d = open(DriverConfig.of(home).withOption("vfs.bind", "true").withMounter(mounter))) {
      d.createWritable(RW, Optional.empty(), Map.of());
      Path view = d.mount(RW);
      d.mount(RW);
      d.unmount(RW);
      assertEquals(1, mounter.calls.size());
      d.unmount(RW);

      assertEquals(home.resolve("mnt/rw"), view);
      assertEquals(List.of("mount bind " + home.resolve("dir/rw") + " " + view + " [bind]",
          "unmount " + view), mounter.calls);
      assertFalse(Files.exists(view));
      assertTrue(d.capabilities().containsAll(Set.of(Capability.REAL_MOUNTS, Capability.READ_ONLY_VIEWS)));
    }
  }

  @Test
  void mount_bindModeMounterFails_countStaysZero() throws IOException {
    RecordingMounter mounter = new RecordingMounter();
    mounter.failMounts = true;
    try (GraphDriver d = open(DriverConfig.of(home).withOption("vfs.bind", "true").withMounter(mounter))) {
      d.createWritable(RW, Optional.empty(), Map.of());

      assertThrows(IOException.class, () -> d.mount(RW));

      assertEquals(0, d.mountCount(RW));
      assertFalse(Files.exists(home.resolve("mnt/rw")));
    }
  }

  @Test
  void open_bindViewLeftByAnExitedProcess_staysMountedAndCounted() throws IOException {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "bind mounts need root");
    DriverConfig config = DriverConfig.of(home).withOption("vfs.bind", "true");
    GraphDriver exited = open(config);
    exited.createWritable(RW, Optional.empty(), Map.of());
    Path view = exited.mount(RW);
    exited.close(); // views stay mounted, as a `strata mount` leaves them
    Files.createDirectories(home.resolve("mnt/gone")); // a view directory whose mount went

    try (GraphDriver d = open(config)) {
      assertEquals(List.of(view), MountTable.self().mountPointsUnder(home), "the counted view is kept");
      assertEquals(List.of("rw"), list(home.resolve("mnt")), "the unmounted view's directory went");
      assertEquals(1, d.mountCount(RW));
      d.unmount(RW);
      assertEquals(List.of(), MountTable.self().mountPointsUnder(home));
      assertEquals(List.of(), list(home.resolve("mnt")));
    }
  }

  @Test
  void mountTable_escapedMountPoint_isUnescaped() {
    assertEquals("/var/lib/my dir\\x", MountTable.unescape("/var/lib/my\\040dir\\134x"));
  }

  private static List<String> list(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static final class RecordingMounter implements Mounter {
    final List<String> calls = new ArrayList<>();
    boolean failMounts;

    @Override
    public void mount(Mount mount) throws IOException {
      if (failMounts) {
        throw new IOException("mount refused by test");
      }
      calls.add("mount " + mount.type() + " " + mount.source() + " " + mount.target() + " " + mount.options());
    }

    @Override
    public void unmount(Path target) {
      calls.add("unmount " + target);
    }
  }
}
