package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Digest;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archives written by real GNU tar, the way image builders and {@code docker export} write them. */
class GnuTarInteropTest {

  @TempDir Path tmp;
  private Path src;
  private Path dst;
  private final FileNodes nodes = new FileNodes();
  private final Xattrs xattrs = new Xattrs();

  @BeforeEach
  void dirs() throws IOException {
    src = Files.createDirectory(tmp.resolve("src"));
    dst = Files.createDirectory(tmp.resolve("dst"));
  }

  private Path tar(String... options) throws Exception {
    Path archive = tmp.resolve("layer.tar");
    List<String> cmd = new ArrayList<>(List.of("tar", "--numeric-owner", "-cf", archive.toString()));
    cmd.addAll(List.of(options));
    cmd.addAll(List.of("-C", src.toString(), "."));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "tar failed: " + out);
    return archive;
  }

  private ApplyResult apply(Path archive) throws IOException {
    ApplyOptions options = nodes.isRoot() ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    try (InputStream in = Files.newInputStream(archive)) {
      return new LayerApplier(options, new DeletingWhiteouts()).apply(in, dst);
    }
  }

  /** Type, mode, owner, size, mtime, content or link target, and user.* xattrs of every path. */
  private Map<String, String> describe(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,lastModifiedTime,rdev", LinkOption.NOFOLLOW_LINKS);
        StringBuilder s = new StringBuilder(Integer.toOctalString((Integer) a.get("mode")))
            .append(' ').append(a.get("uid")).append(':').append(a.get("gid"))
            .append(" rdev=").append(a.get("rdev"));
        if (Files.isSymbolicLink(p)) {
          s.append(" -> ").append(Files.readSymbolicLink(p));
        } else {
          s.append(" mtime=").append(a.get("lastModifiedTime"));
        }
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          s.append(" size=").append(a.get("size")).append(' ').append(Digest.sha256Of(Files.readAllBytes(p)));
        }
        for (String name : xattrs.list(p)) {
          if (name.startsWith("user.")) {
            s.append(' ').append(name).append('=').append(java.util.HexFormat.of().formatHex(xattrs.get(p, name).orElseThrow()));
          }
        }
        out.put(root.relativize(p).toString(), s.toString());
      }
    }
    return out;
  }

  private void populate() throws IOException {
    Files.createDirectories(src.resolve("usr/share/doc"));
    Files.writeString(src.resolve("usr/share/doc/readme"), "read me\n");
    String longDir = "d".repeat(90) + "/" + "e".repeat(90);
    Files.createDirectories(src.resolve(longDir));
    Files.writeString(src.resolve(longDir + "/" + "f".repeat(200)), "long");
    Files.createDirectories(src.resolve("naïve/日本"));
    Files.writeString(src.resolve("naïve/日本/ファイル"), "utf-8");
    Files.createSymbolicLink(src.resolve("usr/link"), Path.of("share/doc/readme"));
    Files.createSymbolicLink(src.resolve("longlink"), Path.of("x/".repeat(70) + "target"));
    Files.createLink(src.resolve("usr/hard"), src.resolve("usr/share/doc/readme"));
    nodes.mkfifo(src.resolve("usr/fifo"), 0600);
    Path bin = Files.writeString(src.resolve("usr/bin-tool"), "#!");
    nodes.chmod(bin, 04755);
    xattrs.set(bin, "user.bin", new byte[] {(byte) 0xff, (byte) 0xfe, 0, (byte) 0x80});
    xattrs.set(src.resolve("usr/share"), "user.dir", "on a directory".getBytes(StandardCharsets.UTF_8));
    nodes.chmod(src.resolve("usr/share"), 01777);
    // Directory times last, since creating children changed them.
    for (Path p : List.of(bin, src.resolve("usr/share/doc/readme"), src.resolve("usr/share"), src.resolve("usr"))) {
      nodes.setTimes(p, new Timestamp(1_600_000_000L, 111_111_111), new Timestamp(1_600_000_000L, 987_654_321));
    }
  }

  @Test
  void apply_gnuTarPosixFormatWithXattrs_reproducesTheTree() throws Exception {
    populate();
    Path archive = tar("--format=posix", "--xattrs", "--xattrs-include=*");

    ApplyResult r = apply(archive);

    Map<String, String> expected = describe(src);
    Map<String, String> actual = describe(dst);
    expected.remove("");
    actual.remove("");
    assertEquals(expected, actual);
    assertEquals(Digest.sha256Of(Files.readAllBytes(archive)), r.diffId());
  }

  @Test
  void apply_gnuTarGnuFormatLongNames_reproducesTheTree() throws Exception {
    populate();
    Path archive = tar("--format=gnu");

    apply(archive);

    // The gnu format keeps whole seconds and no xattrs: compare names, types, targets and content.
    Map<String, String> expected = stripTimesAndXattrs(describe(src));
    Map<String, String> actual = stripTimesAndXattrs(describe(dst));
    assertEquals(expected, actual);
  }

  private static Map<String, String> stripTimesAndXattrs(Map<String, String> in) {
    Map<String, String> out = new TreeMap<>();
    in.forEach((k, v) -> out.put(k, v.replaceAll(" mtime=\\S+", "").replaceAll(" user\\.\\S+", "")));
    out.remove("");
    return out;
  }

  @Test
  void apply_gnuTarOwnership_isRestoredAsRoot() throws Exception {
    assumeTrue(nodes.isRoot(), "chown needs root");
    Files.writeString(src.resolve("owned"), "x");
    Path archive = tar("--owner=1", "--group=2", "--format=posix");

    apply(archive);

    assertEquals(1, Files.getAttribute(dst.resolve("owned"), "unix:uid"));
    assertEquals(2, Files.getAttribute(dst.resolve("owned"), "unix:gid"));
  }

  private void makeSparse(Path file, long length, long... dataAt) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (long at : dataAt) {
        ch.write(ByteBuffer.wrap(("data@" + at).getBytes(StandardCharsets.UTF_8)), at);
      }
    }
    nodes.setLength(file, length);
  }

  @Test
  void apply_gnuTarSparseInGnuAndPaxFormats_staysSparse() throws Exception {
    long size = 64L << 20;
    makeSparse(src.resolve("sparse"), size, 0, 5L << 20, 40L << 20);
    for (String format : List.of("gnu", "posix")) {
      Path out = Files.createDirectory(dst.resolve(format));
      Path archive = tar("--sparse", "--format=" + format);
      assertTrue(Files.size(archive) < (1 << 20), format + " archive should store only the data: " + Files.size(archive));
      ApplyOptions options = ApplyOptions.unprivileged();
      try (InputStream in = Files.newInputStream(archive)) {
        ApplyResult r = new LayerApplier(options, new DeletingWhiteouts()).apply(in, out);
        assertEquals(size, r.size());
      }
      Path applied = out.resolve("sparse");
      assertEquals(size, Files.size(applied), format);
      assertArrayEquals(Files.readAllBytes(src.resolve("sparse")), Files.readAllBytes(applied), format);
      assertTrue(LayerApplierTest.allocatedBytes(applied) <= 64 * 1024,
          format + ": allocated " + LayerApplierTest.allocatedBytes(applied));
      Files.delete(archive);
    }
  }

  @Test
  void apply_gnuTarGzipped_givesTheDiffIdOfTheUncompressedTar() throws Exception {
    populate();
    Path plain = tar("--format=posix");
    byte[] plainBytes = Files.readAllBytes(plain);
    // Two tar runs differ (PAX atime records), so compress this very archive with gzip(1).
    Path gz = tmp.resolve("layer.tar.gz");
    Process p = new ProcessBuilder("gzip", "-c", plain.toString()).redirectOutput(gz.toFile()).start();
    assertEquals(0, p.waitFor());

    ApplyResult r = apply(gz);

    assertEquals(Digest.sha256Of(plainBytes), r.diffId());
    assertEquals(Instant.ofEpochSecond(1_600_000_000L, 987_654_321),
        Files.getLastModifiedTime(dst.resolve("usr/share")).toInstant());
  }
}
