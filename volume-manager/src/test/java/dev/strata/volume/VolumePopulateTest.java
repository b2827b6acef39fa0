package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VolumeStore#populate}: an image's directory copied into an empty volume, exactly once. */
class VolumePopulateTest {

  private static final FileTime PAST = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));

  @TempDir Path root;
  private VolumeStore store;

  @BeforeEach
  void open() throws IOException {
    store = VolumeStore.open(root);
  }

  @AfterEach
  void close() throws Exception {
    store.close();
    Host.cleanUp(root);
  }

  /** An image directory: files, a subdirectory, a symlink, a hardlink pair, an xattr; owned by 1000 if root. */
  private Path source(boolean chown) throws IOException {
    Path src = Files.createDirectory(root.resolve("image-dir"));
    Files.writeString(src.resolve("a.txt"), "alpha");
    Files.createDirectory(src.resolve("sub"));
    Files.writeString(src.resolve("sub/b.txt"), "beta");
    Files.createDirectory(src.resolve("sub/deeper"));
    Files.writeString(src.resolve("sub/deeper/c.txt"), "gamma");
    Files.setPosixFilePermissions(src.resolve("sub/deeper/c.txt"), PosixFilePermissions.fromString("rwx------"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("a.txt"));
    Files.writeString(src.resolve("hard1"), "shared");
    Files.createLink(src.resolve("hard2"), src.resolve("hard1"));
    UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(src.resolve("a.txt"),
        UserDefinedFileAttributeView.class);
    xattrs.write("test", ByteBuffer.wrap("hello".getBytes(StandardCharsets.UTF_8)));
    Files.setLastModifiedTime(src.resolve("sub/b.txt"), PAST);
    if (chown) {
      Host.run("chown", "-R", "-h", "1000:1000", src.toString());
    }
    Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rwxr-x---"));
    Files.setLastModifiedTime(src, PAST);
    return src;
  }

  /** Every entry below {@code dir}: type, mode, owner, content or target, xattrs, links, mtime. */
  static Map<String, String> tree(Path dir) throws IOException {
    Map<String, String> found = new TreeMap<>();
    Map<Object, String> inodes = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(p -> !p.equals(dir)).toList()) {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        StringBuilder d = new StringBuilder();
        d.append(PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)));
        d.append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
        if (Files.isSymbolicLink(p)) {
          d.append(" -> ").append(Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          d.append(" dir");
        } else {
          d.append(" file '").append(Files.readString(p)).append("' nlink=").append(a.get("nlink"));
          d.append(" mtime=").append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
          String first = inodes.get(a.get("ino").toString());
          d.append(" sameAs=").append(first == null ? "-" : first);
          inodes.putIfAbsent(a.get("ino").toString(), dir.relativize(p).toString());
          UserDefinedFileAttributeView x = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          for (String name : new java.util.TreeSet<>(x.list())) {
            ByteBuffer b = ByteBuffer.allocate(x.size(name));
            x.read(name, b);
            d.append(" user.").append(name).append('=').append(new String(b.array(), StandardCharsets.UTF_8));
          }
        }
        found.put(dir.relativize(p).toString(), d.toString());
      }
    }
    return found;
  }

  private VolumeState.Populate step(String name) throws IOException {
    return new VolumeFiles(root.resolve("volumes")).state(name).populate();
  }

  private void setStep(String name, VolumeState.Populate step) throws IOException {
    VolumeFiles files = new VolumeFiles(root.resolve("volumes"));
    files.writeState(files.volume(name), files.state(name).withPopulate(step));
  }

  @Test
  void populate_emptyVolume_copiesEverythingAndTheRootsOwnerModeAndTime() throws IOException {
    Host.assumeRoot();
    Path src = source(true);
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();

    assertTrue(store.populate("vol", src));

    assertEquals(tree(src), tree(data));
    assertEquals(1000, Files.getAttribute(data, "unix:uid"));
    assertEquals(1000, Files.getAttribute(data, "unix:gid"));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
    assertEquals(PAST, Files.getLastModifiedTime(data));
    assertEquals(Files.getAttribute(data.resolve("hard1"), "unix:ino"), Files.getAttribute(data.resolve("hard2"),
        "unix:ino"));
    assertEquals(VolumeState.Populate.DONE, step("vol"));
    assertFalse(Files.exists(data.resolve(Populator.STAGING)));
  }

  @Test
  void populate_twice_copiesOnlyOnce() throws IOException {
    Path src = source(false);
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();
    assertTrue(store.populate("vol", src));
    Files.delete(data.resolve("a.txt"));

    assertFalse(store.populate("vol", src));
    assertFalse(Files.exists(data.resolve("a.txt")));

    Host.run("sh", "-c", "rm -rf " + data + "/* " + data + "/.[!.]*");
    assertFalse(store.populate("vol", src));
    try (Stream<Path> entries = Files.list(data)) {
      assertEquals(0, entries.count());
    }
  }

  @Test
  void populate_nonEmptyVolume_copiesNothingAndMarksDone() throws IOException {
    Path src = source(false);
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();
    Files.writeString(data.resolve("mine"), "already here");

    assertFalse(store.populate("vol", src));

    assertEquals(Map.of("mine", tree(data).get("mine")), tree(data));
    assertEquals(VolumeState.Populate.DONE, step("vol"));
    Files.delete(data.resolve("mine"));
    assertFalse(store.populate("vol", src));
  }

  @Test
  void populate_missingSource_returnsFalseAndALaterSourceStillCopies() throws IOException {
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();

    assertFalse(store.populate("vol", root.resolve("no-such-dir")));
    assertEquals(VolumeState.Populate.NONE, step("vol"));

    Path src = source(false);
    assertTrue(store.populate("vol", src));
    assertEquals(tree(src), tree(data));
  }

  @Test
  void populate_missingVolume_throwsNotFound() throws IOException {
    Path src = source(false);
    assertThrows(dev.strata.driver.error.NotFoundException.class, () -> store.populate("nothere", src));
  }

  @Test
  void open_afterCrashWhileCopying_deletesHalfCopyAndNextPopulateCopiesOnce() throws IOException {
    Host.assumeRoot();
    Path src = source(true);
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();
    Path half = Files.createDirectory(data.resolve(Populator.STAGING));
    Files.writeString(half.resolve("a.txt"), "alp");
    setStep("vol", VolumeState.Populate.COPYING);
    store.close();

    store = VolumeStore.open(root);

    assertFalse(Files.exists(half));
    assertEquals(VolumeState.Populate.NONE, step("vol"));
    assertTrue(store.populate("vol", src));
    assertEquals(tree(src), tree(data));
    assertEquals(PAST, Files.getLastModifiedTime(data));
    assertFalse(store.populate("vol", src));
    assertEquals(tree(src), tree(data));
  }

  @Test
  void populate_afterCrashWhileMoving_finishesWithoutDuplicatesOrLosses() throws IOException {
    Host.assumeRoot();
    Path src = source(true);
    Path data = store.create(new VolumeSpec(Optional.of("vol"), "local", Map.of(), Map.of())).mountpoint();
    Path staging = Files.createDirectory(data.resolve(Populator.STAGING));
    Host.run("cp", "-a", src + "/.", staging.toString());
    Files.move(staging.resolve("a.txt"), data.resolve("a.txt"));
    Files.move(staging.resolve("sub"), data.resolve("sub"));
    Files.move(staging.resolve("hard1"), data.resolve("hard1"));
    setStep("vol", VolumeState.Populate.MOVING);
    store.close();
    store = VolumeStore.open(root);
    assertTrue(Files.isDirectory(staging), "an interrupted move is resumed by populate, not undone");

    assertTrue(store.populate("vol", src));

    assertEquals(tree(src), tree(data));
    assertEquals(PAST, Files.getLastModifiedTime(data));
    assertEquals(VolumeState.Populate.DONE, step("vol"));
    assertFalse(store.populate("vol", src));
  }

  @Test
  void populate_tmpfsVolumeNotMounted_throwsFailedPrecondition() throws IOException {
    Path src = source(false);
    store.create(new VolumeSpec(Optional.of("ram"), "local", Map.of("type", "tmpfs", "device", "tmpfs"), Map.of()));

    FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
        () -> store.populate("ram", src));
    assertEquals("volume ram is not mounted; mount it before populating", e.getMessage());
  }

  @Test
  void populate_mountedTmpfsVolume_copiesIntoTheTmpfs() throws IOException {
    Host.assumeRoot();
    Path src = source(true);
    store.create(new VolumeSpec(Optional.of("ram"), "local", Map.of("type", "tmpfs", "device", "tmpfs"), Map.of()));
    Path data = store.mount("ram", "c1");
    try {
      assertTrue(store.populate("ram", src));

      assertEquals(tree(src), tree(data));
      assertEquals("tmpfs", Host.mountAt(data).orElseThrow().fsType());
      assertEquals(PAST, Files.getLastModifiedTime(data));
    } finally {
      store.unmount("ram", "c1");
    }
    try (Stream<Path> entries = Files.list(data)) {
      assertEquals(0, entries.count(), "the copy lives in the tmpfs, not under it");
    }
  }
}
