package dev.strata.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoopDevicesTest {

  private static final long MIB = 1024 * 1024;

  @TempDir Path tmp;

  private final MountCalls mounts = new MountCalls();
  private final LoopDevices loops = new LoopDevices();
  /** Whatever a test leaves mounted or attached, undone after it even when an assertion failed. */
  private final List<Path> mounted = new ArrayList<>();
  private final List<LoopDevice> attached = new ArrayList<>();

  @BeforeEach
  void requireLoopDevices() {
    Assumptions.assumeTrue(new FileNodes().isRoot(), "loop devices and mount(2) need root");
    Assumptions.assumeTrue(Files.exists(Path.of("/dev/loop-control")), "no loop driver here");
  }

  @AfterEach
  void cleanUp() throws IOException {
    IOException failure = null;
    for (Path target : mounted) {
      try {
        mounts.umount(target, MountCalls.MNT_DETACH);
      } catch (PosixException e) {
        failure = keep(failure, e);
      }
    }
    for (LoopDevice device : attached) {
      try {
        device.detach();
      } catch (IllegalStateException closedByTheTest) {
        // Autoclear frees it once unmounted.
      } catch (PosixException e) {
        failure = keep(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private static IOException keep(IOException first, IOException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  @ParameterizedTest
  @ValueSource(strings = {"ext4", "xfs"})
  void attach_freshImage_mountWriteReleaseAndReattachShowsFile(String fstype) throws Exception {
    // mkfs.xfs refuses filesystems under 300 MiB; the image is sparse, so size costs nothing.
    Path image = image(fstype, fstype.equals("xfs") ? 320 * MIB : 64 * MIB);
    Path target = Files.createDirectory(tmp.resolve("mnt"));

    LoopDevice device = attach(image, false);
    assertTrue(device.path().toString().startsWith("/dev/loop"), device.toString());
    assertEquals(image.toAbsolutePath().toString(), backingFile(device.number()));
    mount(device, target, fstype, 0);
    Files.writeString(target.resolve("hello"), "from strata");
    device.close();
    assertTrue(Files.exists(sysfs(device.number()).resolve("loop/backing_file")),
        "the mount keeps the device bound after the handle is closed");
    unmount(target);
    awaitReleased(device.number());

    LoopDevice again = attach(image, false);
    mount(again, target, fstype, MountCalls.MS_RDONLY);
    assertEquals("from strata", Files.readString(target.resolve("hello")));
    unmount(target);
    again.close();
    awaitReleased(again.number());
  }

  @Test
  void attach_readOnly_deviceAndMountRefuseWrites() throws Exception {
    Path image = image("ext4", 64 * MIB);
    Path target = Files.createDirectory(tmp.resolve("mnt"));

    LoopDevice device = attach(image, true);

    assertTrue(device.readOnly());
    assertEquals("1", Files.readString(sysfs(device.number()).resolve("ro")).trim());
    assertThrows(PosixException.class, () -> mount(device, target, "ext4", 0));
    mount(device, target, "ext4", MountCalls.MS_RDONLY);
    var e = assertThrows(FileSystemException.class,
        () -> Files.writeString(target.resolve("nope"), "x"));
    assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
  }

  @Test
  void attach_legacyIoctls_bindWithAutoclear() throws Exception {
    Path image = image("ext4", 64 * MIB);
    Path target = Files.createDirectory(tmp.resolve("mnt"));

    LoopDevice device = new LoopDevices(false).attach(image, false);
    attached.add(device);
    mount(device, target, "ext4", 0);
    Files.writeString(target.resolve("f"), "legacy");
    device.close();
    unmount(target);

    awaitReleased(device.number());
  }

  @Test
  void detach_unmountedDevice_releasesAndClosesHandle() throws Exception {
    Path image = image("ext4", 64 * MIB);
    LoopDevice device = attach(image, false);

    device.detach();

    awaitReleased(device.number());
    device.close(); // idempotent after detach
    assertThrows(IllegalStateException.class, device::detach);
  }

  @Test
  void attach_missingFile_throwsNoSuchFileNamingIt() {
    Path missing = tmp.resolve("missing.img");

    var e = assertThrows(NoSuchFileException.class, () -> loops.attach(missing, false));

    assertEquals(missing.toString(), e.getFile());
  }

  @Test
  void attach_directory_throwsNamingIt() {
    var e = assertThrows(FileSystemException.class, () -> loops.attach(tmp, true));

    assertEquals(tmp.toString(), e.getFile());
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void configStruct_layout_matchesLinuxLoopH() {
    byte[] config = LoopDevices.configStruct(7, Path.of("/x.img"), true);

    assertEquals(304, config.length);
    assertEquals(7, config[0]);
    assertEquals(LoopDevices.LO_FLAGS_AUTOCLEAR | LoopDevices.LO_FLAGS_READ_ONLY, config[8 + 52]);
    assertEquals('/', config[8 + 56]);
    assertEquals(0, config[8 + 56 + "/x.img".length()]);
  }

  private LoopDevice attach(Path image, boolean readOnly) throws IOException {
    LoopDevice device = loops.attach(image, readOnly);
    attached.add(device);
    return device;
  }

  private void mount(LoopDevice device, Path target, String fstype, long flags) throws IOException {
    mounts.mount(device.path().toString(), target, fstype, flags, null);
    mounted.add(target); // only once mounted: a failed mount needs no unmount
  }

  private void unmount(Path target) throws IOException {
    mounts.umount(target, 0);
    mounted.remove(target);
  }

  /** A sparse file of {@code size} bytes holding a fresh empty filesystem. */
  private Path image(String fstype, long size) throws Exception {
    String mkfs = "/usr/sbin/mkfs." + fstype;
    Assumptions.assumeTrue(Files.isExecutable(Path.of(mkfs)), mkfs + " is not installed");
    Path image = tmp.resolve(fstype + ".img");
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(size);
    }
    List<String> command = fstype.equals("xfs")
        ? List.of(mkfs, "-q", image.toString())
        : List.of(mkfs, "-q", "-F", image.toString());
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), mkfs + " hung");
    assertEquals(0, p.exitValue(), mkfs + ": " + output);
    return image;
  }

  private static Path sysfs(int number) {
    return Path.of("/sys/block/loop" + number);
  }

  private static String backingFile(int number) throws IOException {
    return Files.readString(sysfs(number).resolve("loop/backing_file")).trim();
  }

  /** Autoclear runs when the last opener goes; give the kernel a moment rather than racing it. */
  private static void awaitReleased(int number) throws Exception {
    Path backing = sysfs(number).resolve("loop/backing_file");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Files.exists(backing) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertFalse(Files.exists(backing), "loop" + number + " still bound");
    assertEquals("0", Files.readString(sysfs(number).resolve("size")).trim());
  }
}
