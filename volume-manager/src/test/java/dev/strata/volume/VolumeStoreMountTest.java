package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Volumes with a filesystem of their own (tmpfs, bind, loop-mounted image) mounted on {@code _data}. */
class VolumeStoreMountTest {

  private static final Map<String, String> TMPFS = Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m,uid=1000");

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    Host.assumeRoot();
    store = VolumeStore.open(root);
  }

  @AfterEach
  void close() throws Exception {
    if (store != null) {
      store.close();
    }
    Host.cleanUp(root);
  }

  private Path data(String name) throws IOException {
    return store.get(name).mountpoint();
  }

  @Test
  void mount_tmpfsVolume_mountsTmpfsWithItsOptionsOnFirstMountOnly() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));

    Path data = store.mount("ram", "a");

    assertEquals(data("ram"), data);
    MountTable.Entry entry = Host.mountAt(data).orElseThrow();
    assertEquals("tmpfs", entry.fsType());
    assertTrue(entry.superOptions().contains("size=1024k"), entry.superOptions().toString());
    assertTrue(entry.superOptions().contains("uid=1000"), entry.superOptions().toString());
    Files.writeString(data.resolve("f"), "in ram");

    assertEquals(data, store.mount("ram", "b"));
    assertEquals(List.of(data.toRealPath()), Host.mountsUnder(root));
    assertEquals("in ram", Files.readString(data.resolve("f")));
    assertEquals(Set.of("a", "b"), store.get("ram").mounts());
  }

  @Test
  void unmount_lastOfSeveralMounts_unmountsTmpfs() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));
    Path data = store.mount("ram", "a");
    store.mount("ram", "b");
    store.mount("ram", "b");

    assertTrue(store.unmount("ram", "a"));
    assertTrue(Host.mountAt(data).isPresent());
    assertEquals(Set.of("b"), store.get("ram").mounts());

    assertFalse(store.unmount("ram", "a"));
    assertFalse(store.unmount("ram", "unknown"));
    assertFalse(store.unmount("nothere", "b"));
    assertTrue(Host.mountAt(data).isPresent());
    assertEquals(Set.of("b"), store.get("ram").mounts());

    assertTrue(store.unmount("ram", "b"));
    assertEquals(Optional.empty(), Host.mountAt(data));
    assertEquals(Set.of(), store.get("ram").mounts());
    assertFalse(store.unmount("ram", "b"));
    assertEquals(List.of(), Host.mountsUnder(root));
  }

  @Test
  void open_afterRebootWithOutstandingMount_mountsAgain() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));
    Path data = store.mount("ram", "a");
    store.close();
    Host.run("umount", data.toString()); // what a reboot does

    store = VolumeStore.open(root);

    MountTable.Entry entry = Host.mountAt(data).orElseThrow();
    assertEquals("tmpfs", entry.fsType());
    assertTrue(entry.superOptions().contains("uid=1000"), entry.superOptions().toString());
    assertEquals(Set.of("a"), store.get("ram").mounts());
    assertTrue(store.unmount("ram", "a"));
    assertEquals(Optional.empty(), Host.mountAt(data));
  }

  @Test
  void open_mountedWithoutOutstandingMount_unmountsIt() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));
    Path data = data("ram");
    store.close();
    Host.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data.toString()); // a crash after mount(2)

    store = VolumeStore.open(root);

    assertEquals(Optional.empty(), Host.mountAt(data));
    assertEquals(Set.of(), store.get("ram").mounts());
  }

  @Test
  void remove_tmpfsLeftMountedByCrash_unmountsAndRemoves() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));
    Path data = data("ram");
    Host.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", data.toString());

    store.remove("ram", false);

    assertEquals(List.of(), Host.mountsUnder(root));
    assertFalse(Files.exists(root.resolve("volumes/ram")));
  }

  @Test
  void remove_mountedTmpfs_throwsFailedPreconditionAndStaysMounted() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local", TMPFS, Map.of()));
    Path data = store.mount("ram", "a");

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> store.remove("ram", true));
    assertTrue(e.getMessage().contains("volume has active mounts"), e.getMessage());
    assertTrue(Host.mountAt(data).isPresent());
    store.unmount("ram", "a");
  }

  @Test
  void mount_bindVolume_showsTheDirectoryThroughData() throws IOException {
    Path host = Files.createDirectory(root.resolve("host"));
    Files.writeString(host.resolve("hello.txt"), "from the host");
    store.create(new VolumeSpec(Optional.of("bound"), "local",
        Map.of("type", "none", "device", host.toString(), "o", "bind"), Map.of()));

    Path data = store.mount("bound", "a");

    assertEquals("from the host", Files.readString(data.resolve("hello.txt")));
    Files.writeString(data.resolve("back.txt"), "from the volume");
    assertEquals("from the volume", Files.readString(host.resolve("back.txt")));
    assertTrue(store.unmount("bound", "a"));
    assertFalse(Files.exists(data.resolve("hello.txt")));
    assertEquals(List.of(), Host.mountsUnder(root));
  }

  @Test
  void mount_bindVolumeMissingDirectory_throwsAndLeavesNoMount() throws IOException {
    store.create(new VolumeSpec(Optional.of("bound"), "local",
        Map.of("type", "none", "device", root.resolve("absent").toString(), "o", "bind"), Map.of()));

    assertThrows(IOException.class, () -> store.mount("bound", "a"));
    assertEquals(Set.of(), store.get("bound").mounts());
    assertEquals(List.of(), Host.mountsUnder(root));
  }

  @Test
  void mount_ext4ImageVolume_keepsDataAcrossMountsAndFreesLoopDevice() throws Exception {
    Path image = root.resolve("disk.img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(64L << 20);
    }
    Host.run("mkfs.ext4", "-q", "-F", image.toString());
    store.create(new VolumeSpec(Optional.of("disk"), "local", Map.of("type", "ext4", "device", image.toString()),
        Map.of()));

    Path data = store.mount("disk", "a");
    MountTable.Entry entry = Host.mountAt(data).orElseThrow();
    assertEquals("ext4", entry.fsType());
    assertTrue(entry.source().startsWith("/dev/loop"), entry.source());
    Path backing = Path.of("/sys/block", Path.of(entry.source()).getFileName().toString(), "loop/backing_file");
    assertEquals(image.toRealPath().toString(), Files.readString(backing).trim());
    Files.writeString(data.resolve("kept.txt"), "on disk");
    assertTrue(store.unmount("disk", "a"));
    assertEquals(Optional.empty(), Host.mountAt(data));
    awaitGone(backing);

    Path again = store.mount("disk", "b");
    assertEquals("on disk", Files.readString(again.resolve("kept.txt")));
    MountTable.Entry second = Host.mountAt(again).orElseThrow();
    Path backing2 = Path.of("/sys/block", Path.of(second.source()).getFileName().toString(), "loop/backing_file");
    assertTrue(store.unmount("disk", "b"));
    awaitGone(backing2);
    assertEquals(List.of(), Host.loopsBackedBy(root));
  }

  @Test
  void remove_somethingMountedInsideData_throwsFailedPreconditionAndKeepsIt() throws IOException {
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();
    Path inner = Files.createDirectory(data.resolve("inner"));
    Host.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", inner.toString());
    Files.writeString(inner.resolve("f"), "on the inner mount");
    try {
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> store.remove("vol", false));
      assertTrue(e.getMessage().contains("is mounted inside the volume"), e.getMessage());
      assertEquals("on the inner mount", Files.readString(inner.resolve("f")));
    } finally {
      Host.run("umount", inner.toString());
    }
    store.remove("vol", false);
    assertFalse(Files.exists(root.resolve("volumes/vol")));
  }

  private static void awaitGone(Path sysFile) throws InterruptedException {
    for (int i = 0; i < 50 && Files.exists(sysFile); i++) {
      Thread.sleep(100);
    }
    assertFalse(Files.exists(sysFile), sysFile + " still there: the loop device was not released");
  }

  @Test
  void mount_nfsOnKernelWithoutNfs_throwsUnsupportedNamingNfs() throws IOException {
    assumeFalseFilesystem("nfs");
    store.create(new VolumeSpec(Optional.of("share"), "local",
        Map.of("type", "nfs", "device", ":/export", "o", "addr=127.0.0.1"), Map.of()));

    UnsupportedException e = assertThrows(UnsupportedException.class, () -> store.mount("share", "a"));

    assertTrue(e.getMessage().contains("nfs"), e.getMessage());
    assertEquals("share", e.subject());
    assertEquals(Set.of(), store.get("share").mounts());
    assertEquals(List.of(), Host.mountsUnder(root));
  }

  @Test
  void mount_failingWithPasswordOption_neverPrintsPassword() throws IOException {
    Map<String, String> opts = Map.of("type", "cifs", "device", "//127.0.0.1/share", "o",
        "username=u,password=hunter2");
    Volume v = store.create(new VolumeSpec(Optional.of("smb"), "local", opts, Map.of()));

    IOException e = assertThrows(IOException.class, () -> store.mount("smb", "a"));

    for (Throwable t = e; t != null; t = t.getCause()) {
      assertFalse(String.valueOf(t.getMessage()).contains("hunter2"), t.getClass() + ": " + t.getMessage());
      assertFalse(t.toString().contains("hunter2"), t.toString());
      for (Throwable s : t.getSuppressed()) {
        assertFalse(String.valueOf(s.getMessage()).contains("hunter2"), s.toString());
      }
    }
    assertFalse(v.printableOptions().toString().contains("hunter2"));
    assertEquals(List.of(), Host.mountsUnder(root));
    AlreadyExistsException conflict = assertThrows(AlreadyExistsException.class,
        () -> store.create(new VolumeSpec(Optional.of("smb"), "local", Map.of(), Map.of())));
    assertFalse(conflict.getMessage().contains("hunter2"), conflict.getMessage());
  }

  private static void assumeFalseFilesystem(String type) throws IOException {
    boolean known = Files.readAllLines(Path.of("/proc/filesystems")).stream()
        .anyMatch(l -> l.trim().endsWith("\t" + type) || l.trim().equals(type));
    org.junit.jupiter.api.Assumptions.assumeFalse(known, "this kernel has " + type);
  }
}
