package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Change.Kind;
import dev.strata.driver.Change;
import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.FileTrees;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.TreeSnapshot.Times;
import dev.strata.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

/** Diff, changes and apply: a layer's diff replays it exactly; broken tars leave nothing [moby DiffApply, Changes]. */
public interface DiffContract extends DriverContract {

  private static LayerTarBuilder base() {
    return new LayerTarBuilder()
        .dir("etc", 0755)
        .file("etc/a", "alpha", 0644)
        .file("etc/b", "beta", 0644)
        .dir("var", 0755)
        .dir("var/x", 0755)
        .file("var/x/y", "why", 0644)
        .dir("usr", 0755)
        .file("usr/keep", "keep", 0644)
        .file("usr/one", "one", 0644);
  }

  @Test
  default void diff_applyOntoFreshChildOfParent_reproducesChild() throws IOException {
    readOnly("base", null, base());
    writable("rw", "base");
    edit("rw", root -> {
      Files.writeString(root.resolve("etc/a"), "changed!");
      Files.setPosixFilePermissions(root.resolve("usr/one"), PosixFilePermissions.fromString("rwx------"));
      Files.delete(root.resolve("etc/b"));
      FileTrees.delete(root.resolve("var/x"));
      Files.createDirectories(root.resolve("new/dir"));
      Files.writeString(root.resolve("new/dir/file1"), "12345");
      Files.createLink(root.resolve("new/link"), root.resolve("new/dir/file1"));
      Files.createSymbolicLink(root.resolve("new/sym"), Path.of("dir/file1"));
    });

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    long size = driver().diff(id("rw"), tar);
    ApplyResult replay = driver().createReadOnly(id("replay"), parent("base"),
        new ByteArrayInputStream(tar.toByteArray()));

    snapshot("replay").assertMatches(snapshot("rw"), Times.FILES_TO_SECONDS);
    assertEquals("changed!".length() + "one".length() + "12345".length(), size);
    assertEquals(size, replay.size());
    assertEquals(size, driver().diffSize(id("rw")));
  }

  @Test
  default void changes_editsInMountedWritable_equalExactSet() throws IOException {
    readOnly("base", null, base());
    writable("rw", "base");
    edit("rw", root -> {
      Files.writeString(root.resolve("etc/a"), "modified");
      Files.writeString(root.resolve("etc/c"), "added");
      FileTrees.delete(root.resolve("var/x"));
      Files.createDirectories(root.resolve("new/dir"));
      Files.writeString(root.resolve("new/dir/file"), "added too");
    });

    List<Change> changes = driver().changes(id("rw"));

    assertEquals(List.of(
        new Change("/etc", Kind.MODIFIED),
        new Change("/etc/a", Kind.MODIFIED),
        new Change("/etc/c", Kind.ADDED),
        new Change("/new", Kind.ADDED),
        new Change("/new/dir", Kind.ADDED),
        new Change("/new/dir/file", Kind.ADDED),
        new Change("/var", Kind.MODIFIED),
        new Change("/var/x", Kind.DELETED)), changes);
  }

  @Test
  default void changes_untouchedChild_isEmpty() throws IOException {
    readOnly("base", null, base());
    writable("rw", "base");

    assertEquals(List.of(), driver().changes(id("rw")));
    assertEquals(0, driver().diffSize(id("rw")));
  }

  @Test
  default void diff_whiteoutsAndOpaqueDir_roundTripToSameView() throws IOException {
    readOnly("base", null, base());
    readOnly("upper", "base", new LayerTarBuilder()
        .whiteout("etc/b")
        .whiteout("var/x")
        .dir("usr", 0755)
        .opaque("usr")
        .file("usr/only", "only", 0644)
        .dir("fresh", 0755)
        .file("fresh/file", "f", 0644));

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver().diff(id("upper"), tar);
    driver().createReadOnly(id("replay2"), parent("base"), new ByteArrayInputStream(tar.toByteArray()));

    snapshot("replay2").assertMatches(snapshot("upper"), Times.FILES_TO_SECONDS);
    List<String> names = entryNames(tar.toByteArray());
    // A deleted path is encoded by its own whiteout or by an opaque marker on its parent.
    for (String deleted : List.of("etc/b", "var/x")) {
      String dir = deleted.substring(0, deleted.lastIndexOf('/') + 1);
      String name = deleted.substring(dir.length());
      assertTrue(names.contains(dir + ".wh." + name) || names.contains(dir + ".wh..wh..opq"),
          () -> "neither a whiteout nor an opaque parent hides " + deleted + " in " + names);
    }
    assertFalse(names.stream().anyMatch(n -> n.startsWith("var/x/")), () -> "entries below var/x: " + names);
    assertFalse(names.contains("fresh/.wh..wh..opq"), () -> "spurious opaque marker for a new dir: " + names);
  }

  @Test
  default void createReadOnly_plainAndGzipTar_reportSha256OfUncompressedTar() throws IOException {
    LayerTarBuilder tar = base();
    byte[] plain = tar.build();
    Digest expected = Digest.sha256(sha256(plain));

    ApplyResult fromPlain = readOnly("plain", null, tar);
    ApplyResult fromGzip = driver().createReadOnly(id("gzip"), Optional.empty(),
        new ByteArrayInputStream(tar.buildGzip()));

    assertEquals(expected, fromPlain.diffId());
    assertEquals(expected, fromGzip.diffId());
    assertEquals("alphabetawhykeepone".length(), fromPlain.size());
    snapshot("gzip").assertMatches(snapshot("plain"), Times.FILES_TO_SECONDS);
  }

  @Test
  default void createReadOnly_junkTar_throwsCorruptAndLeavesNothing() throws IOException {
    byte[] junk = "this is not a layer tar\n".repeat(300).getBytes(StandardCharsets.US_ASCII);
    assertCorruptLeavesNothing(junk);
  }

  @Test
  default void createReadOnly_truncatedTar_throwsCorruptAndLeavesNothing() throws IOException {
    byte[] whole = bigLayer().build();
    assertCorruptLeavesNothing(Arrays.copyOf(whole, whole.length / 2));
  }

  @Test
  default void createReadOnly_truncatedGzipTar_throwsCorruptAndLeavesNothing() throws IOException {
    byte[] whole = bigLayer().buildGzip();
    assertCorruptLeavesNothing(Arrays.copyOf(whole, whole.length / 2));
  }

  @Test
  default void createReadOnly_entryEscapingRoot_throwsCorruptAndWritesNothingOutside() throws IOException {
    String name = "strata-escape-" + UUID.randomUUID();
    Path outside = Path.of("/tmp", name);
    byte[] tar = new LayerTarBuilder()
        .file("../".repeat(40) + "tmp/" + name, "escaped", 0644)
        .build();

    assertCorruptLeavesNothing(tar);
    assertFalse(Files.exists(outside), outside + " was written");
  }

  @Test
  default void createReadOnly_writeThroughSymlinkedParent_throwsCorruptAndWritesNothingOutside()
      throws IOException {
    Path outside = Files.createDirectory(scratch().resolve("outside"));
    byte[] tar = new LayerTarBuilder()
        .symlink("evil", outside.toString())
        .file("evil/pwned", "escaped", 0644)
        .build();

    assertCorruptLeavesNothing(tar);
    assertEquals(List.of(), pathsUnder(outside).stream().filter(p -> !p.isEmpty()).toList());
  }

  private void assertCorruptLeavesNothing(byte[] tar) throws IOException {
    readOnly("base", null, base());
    List<String> before = homeContents();

    assertThrows(CorruptException.class,
        () -> driver().createReadOnly(id("bad"), parent("base"), new ByteArrayInputStream(tar)));

    assertFalse(driver().exists(id("bad")));
    assertEquals(before, homeContents(), "the failed create left files in the driver home");
  }

  private static LayerTarBuilder bigLayer() {
    byte[] content = new byte[256 * 1024];
    new Random(42).nextBytes(content);
    return new LayerTarBuilder().dir("data", 0755).file("data/blob", content, 0644)
        .file("data/after", "after", 0644);
  }

  private static List<String> entryNames(byte[] tar) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
      for (TarArchiveEntry e; (e = in.getNextEntry()) != null; ) {
        String n = e.getName();
        while (n.startsWith("./") || n.startsWith("/")) {
          n = n.substring(n.indexOf('/') + 1);
        }
        names.add(n.endsWith("/") ? n.substring(0, n.length() - 1) : n);
      }
    }
    return names;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
