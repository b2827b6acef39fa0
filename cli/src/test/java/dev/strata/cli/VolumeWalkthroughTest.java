package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import dev.strata.posix.MountCalls;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume walkthrough through the command: data outlives its container, two containers share a
 * volume live, {@code :z}/{@code :Z} binds are labelled, an empty volume is populated from the image,
 * tmpfs and read-only mounts, {@code rm -v}. Real mounts: needs root.
 */
class VolumeWalkthroughTest {

  @TempDir Path tmp;
  private Path root;

  @BeforeEach
  void load() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "volume mounts need root");
    root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
  }

  @AfterEach
  void nothingLeftMounted() throws IOException {
    if (root == null) {
      return;
    }
    List<Path> left = MountTable.self().mountPointsUnder(tmp);
    for (Path p : left) {
      new dev.strata.posix.MountCalls().umount(p, dev.strata.posix.MountCalls.MNT_DETACH);
    }
    assertEquals(List.of(), left, "mounts left behind");
  }

  @Test
  void namedVolume_dataWrittenInContainer_survivesContainerRemoval() throws Exception {
    Cli.ok(root, "create", "--name", "c1", "-v", "data:/data", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "c1").lastLine());
    Files.writeString(rootfs.resolve("data/kept.txt"), "precious\n");
    Cli.ok(root, "umount", "c1");
    Cli.ok(root, "rm", "-v", "c1");

    assertEquals("precious\n", Files.readString(root.resolve("volumes/data/_data/kept.txt")));
    Cli.ok(root, "create", "--name", "c2", "-v", "data:/data", AppImage.TAG);
    Path again = Path.of(Cli.ok(root, "mount", "c2").lastLine());
    assertEquals("precious\n", Files.readString(again.resolve("data/kept.txt")));
    Cli.ok(root, "umount", "c2");
    Cli.ok(root, "rm", "c2");
  }

  @Test
  void sharedVolume_twoMountedContainers_seeEachOthersWritesLive() throws Exception {
    Cli.ok(root, "create", "--name", "a1", "-v", "shared:/s", AppImage.TAG);
    Cli.ok(root, "create", "--name", "b1", "--mount", "type=volume,source=shared,target=/mnt/s", AppImage.TAG);
    Path a = Path.of(Cli.ok(root, "mount", "a1").lastLine());
    Path b = Path.of(Cli.ok(root, "mount", "b1").lastLine());
    Files.writeString(a.resolve("s/from-a"), "A");
    assertEquals("A", Files.readString(b.resolve("mnt/s/from-a")));
    Files.writeString(b.resolve("mnt/s/from-b"), "B");
    assertEquals("B", Files.readString(a.resolve("s/from-b")));

    Cli.Result inUse = Cli.run(root, "volume", "rm", "shared");
    assertEquals(ExitCodes.FAILED_PRECONDITION, inUse.exit(), inUse.toString());
    assertTrue(inUse.err().contains("volume is in use - [a1, b1]"), inUse.err());

    Cli.ok(root, "umount", "a1");
    assertEquals("A", Files.readString(b.resolve("mnt/s/from-a")), "b1 keeps its mount while a1 unmounts");
    Cli.ok(root, "umount", "b1");
    Cli.ok(root, "rm", "a1", "b1");
    Cli.ok(root, "volume", "rm", "shared");
    assertFalse(Files.exists(root.resolve("volumes/shared")));
  }

  @Test
  void bindWithZ_sourceLabelledSharedAndPrivate() throws Exception {
    Path shared = Files.createDirectories(tmp.resolve("host-shared"));
    Files.writeString(shared.resolve("f"), "x");
    Path priv = Files.createDirectories(tmp.resolve("host-private"));
    Cli.ok(root, "create", "--name", "z1", "-v", shared + ":/shared:z", "-v", priv + ":/private:Z", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "z1").lastLine());
    try {
      assertEquals("system_u:object_r:container_file_t:s0", label(shared));
      assertEquals("system_u:object_r:container_file_t:s0", label(shared.resolve("f")));
      String level = label(priv);
      assertTrue(level.matches("system_u:object_r:container_file_t:s0:c(\\d+),c(\\d+)"), level);
      assertEquals("x", Files.readString(rootfs.resolve("shared/f")));
    } finally {
      Cli.ok(root, "umount", "z1");
    }
    Cli.ok(root, "rm", "z1");
  }

  @Test
  void emptyVolume_overImageDirectory_isPopulatedOnce() throws Exception {
    Cli.ok(root, "create", "--name", "p1", "-v", "etcvol:/etc", AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "p1").lastLine());
    Path data = root.resolve("volumes/etcvol/_data");
    assertEquals("base\n", Files.readString(data.resolve("hostname")));
    assertEquals("hello from layer two\n", Files.readString(data.resolve("motd")));
    assertEquals("base\n", Files.readString(rootfs.resolve("etc/hostname")));
    Files.delete(rootfs.resolve("etc/motd"));
    Cli.ok(root, "umount", "p1");
    Cli.ok(root, "mount", "p1");
    assertFalse(Files.exists(data.resolve("motd")), "populated once, not again");
    Cli.ok(root, "umount", "p1");

    Cli.ok(root, "create", "--name", "p2", "-v", "fresh:/etc:nocopy", AppImage.TAG);
    Cli.ok(root, "mount", "p2");
    assertEquals(List.of(), List.of(data.resolveSibling("../fresh/_data").normalize().toFile().list()));
    Cli.ok(root, "umount", "p2");
    Cli.ok(root, "rm", "p1", "p2");
  }

  @Test
  void tmpfsAndReadOnly_mountedAsAskedAndGoneAfterUmount() throws Exception {
    Cli.ok(root, "create", "--name", "t1", "--tmpfs", "/run:size=1m,mode=1777", "-v", "ro-vol:/ro:ro",
        AppImage.TAG);
    Path rootfs = Path.of(Cli.ok(root, "mount", "t1").lastLine());
    MountTable.Entry run = MountTable.self().holding(rootfs.resolve("run")).orElseThrow();
    assertEquals("tmpfs", run.fsType());
    Files.writeString(rootfs.resolve("run/pid"), "1");
    FileSystemException denied = assertThrows(FileSystemException.class,
        () -> Files.writeString(rootfs.resolve("ro/nope"), "x"));
    assertTrue(denied.getMessage().contains("Read-only") || denied instanceof AccessDeniedException, denied.toString());
    Cli.ok(root, "umount", "t1");
    assertEquals(List.of(), MountTable.self().mountPointsUnder(root.resolve("containers")));
    Cli.ok(root, "rm", "t1");
  }

  @Test
  void readOnlyBind_overSubmount_isReadOnlyAllTheWayDownUnlessWritable() throws Exception {
    Path host = Files.createDirectories(tmp.resolve("host/sub"));
    MountCalls calls = new MountCalls();
    calls.mount("tmpfs", host, "tmpfs", 0, "size=1m");
    try {
      Cli.ok(root, "create", "--name", "ro1", "-v", host.getParent() + ":/h:ro",
          "--mount", "type=bind,src=" + host.getParent() + ",dst=/w,readonly,bind-recursive=writable", AppImage.TAG);
      Path rootfs = Path.of(Cli.ok(root, "mount", "ro1").lastLine());
      try {
        assertThrows(FileSystemException.class, () -> Files.writeString(rootfs.resolve("h/sub/x"), "x"));
        assertThrows(FileSystemException.class, () -> Files.writeString(rootfs.resolve("w/y"), "y"));
        Files.writeString(rootfs.resolve("w/sub/z"), "submount stays writable");
        assertEquals("submount stays writable", Files.readString(host.resolve("z")));
      } finally {
        Cli.ok(root, "umount", "ro1");
      }
      Cli.ok(root, "rm", "ro1");
    } finally {
      calls.umount(host, 0);
    }
  }

  @Test
  void rmWithVolumes_removesAnonymousKeepsNamed() throws Exception {
    Cli.ok(root, "create", "--name", "r1", "-v", "/anon", "-v", "named:/named", AppImage.TAG);
    List<String> before = Cli.ok(root, "volume", "ls", "-q").lines();
    assertEquals(2, before.size(), before.toString());
    Cli.ok(root, "rm", "-v", "r1");
    assertEquals(List.of("named"), Cli.ok(root, "volume", "ls", "-q").lines());
  }

  @Test
  void create_withBadSpec_failsAndChangesNothing() throws Exception {
    Cli.Result bad = Cli.run(root, "create", "--name", "bad", "-v", "/a:/b:z,Z", AppImage.TAG);
    assertEquals(ExitCodes.INVALID_ARGUMENT, bad.exit(), bad.toString());
    Cli.Result dup = Cli.run(root, "create", "--name", "bad", "-v", "v1:/x", "--tmpfs", "/x", AppImage.TAG);
    assertEquals(ExitCodes.INVALID_ARGUMENT, dup.exit(), dup.toString());
    assertTrue(dup.err().contains("Duplicate mount point: /x"), dup.err());
    Cli.Result missing = Cli.run(root, "create", "--name", "bad", "--mount",
        "type=bind,source=" + tmp.resolve("nope") + ",target=/x", AppImage.TAG);
    assertEquals(ExitCodes.FAILED_PRECONDITION, missing.exit(), missing.toString());
    assertTrue(missing.err().contains("bind source path does not exist"), missing.err());
    assertFalse(Files.exists(root.resolve("containers/bad")), "no container created by a refused create");
    assertFalse(Files.exists(root.resolve("volumes/v1")), "no volume created by a refused create");
  }

  private static String label(Path p) throws IOException {
    String value = new String(new Xattrs().get(p, "security.selinux").orElseThrow(), StandardCharsets.UTF_8);
    return value.endsWith("\0") ? value.substring(0, value.length() - 1) : value;
  }
}
