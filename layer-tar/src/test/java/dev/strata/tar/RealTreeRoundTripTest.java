package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.ApplyResult;
import dev.strata.driver.Digest;
import dev.strata.posix.FileNodes;
import dev.strata.posix.Xattrs;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tar engine on real data: a GNU tar of real directories of this machine (thousands of files,
 * symlinks) plus a scratch tree with hardlinks, xattrs, special bits and a FIFO, applied; diffed
 * against an empty parent; the diff applied again. Both trees must equal the sources and each
 * other in path, type, mode, owner, size, content digest, link target and xattrs, and hardlinks
 * must still share an inode.
 */
class RealTreeRoundTripTest {

  /** Real trees present on every Debian machine with a JDK; at least one must exist. */
  private static final List<String> SOURCES = List.of("usr/share/zoneinfo", "usr/share/doc", "usr/lib/jvm");

  @TempDir Path dir;

  @Test
  void applyDiffApply_realTreesWithHardlinks_reproduceSourcesExactly() throws Exception {
    assumeTrue(new FileNodes().isRoot(), "restoring owners and trusted xattrs needs root");
    List<String> present = SOURCES.stream().filter(s -> Files.isDirectory(Path.of("/", s))).toList();
    assertTrue(!present.isEmpty(), "none of " + SOURCES + " exists on this machine");

    Path scratch = Files.createDirectories(dir.resolve("scratch"));
    Path extra = makeExtraTree(scratch);
    Path tar = dir.resolve("layer.tar");
    List<String> cmd = new ArrayList<>(List.of("tar", "--format=posix", "--xattrs", "--xattrs-include=*",
        "--numeric-owner", "-C", "/", "-cf", tar.toString()));
    cmd.addAll(present);
    run(cmd);
    run(List.of("tar", "--format=posix", "--xattrs", "--xattrs-include=*", "--numeric-owner",
        "-C", scratch.toString(), "-rf", tar.toString(), extra.getFileName().toString()));

    Path first = Files.createDirectory(dir.resolve("first"));
    LayerApplier applier = new LayerApplier(ApplyOptions.privileged(), new DeletingWhiteouts());
    ApplyResult applied;
    try (InputStream in = Files.newInputStream(tar)) {
      applied = applier.apply(in, first);
    }
    assertEquals(Digest.sha256(sha256(tar)), applied.diffId());

    Map<String, String> expected = new TreeMap<>();
    for (String s : present) {
      expected.putAll(describe(Path.of("/"), Path.of("/", s)));
    }
    expected.putAll(describe(scratch, extra));
    Map<String, String> got = describe(first, first);
    got.keySet().removeIf(k -> !expected.containsKey(k) && isAncestorOfSource(k, expected));
    assertTrue(expected.size() > 1000, "a real tree has thousands of entries: " + expected.size());
    assertSameTree(expected, got);

    Path diffTar = dir.resolve("diff.tar");
    long content;
    try (OutputStream out = Files.newOutputStream(diffTar)) {
      content = new LayerDiffer().writeDiff(Optional.empty(), first, out);
    }
    Path second = Files.createDirectory(dir.resolve("second"));
    ApplyResult reapplied;
    try (InputStream in = Files.newInputStream(diffTar)) {
      reapplied = applier.apply(in, second);
    }
    assertEquals(content, reapplied.size());
    assertEquals(applied.size(), reapplied.size());
    assertSameTree(describe(first, first), describe(second, second));
    assertEquals(Files.getAttribute(second.resolve("extra/hard-a"), "unix:ino"),
        Files.getAttribute(second.resolve("extra/deep/hard-b"), "unix:ino"));
  }

  private static boolean isAncestorOfSource(String path, Map<String, String> expected) {
    return expected.keySet().stream().anyMatch(k -> k.startsWith(path + "/"));
  }

  private static Path makeExtraTree(Path scratch) throws Exception {
    Path extra = Files.createDirectories(scratch.resolve("extra/deep"));
    Path a = Files.writeString(extra.getParent().resolve("hard-a"), "shared content\n".repeat(500));
    Files.createLink(extra.resolve("hard-b"), a);
    Files.createLink(extra.resolve("hard-c"), a);
    Path suid = Files.writeString(extra.resolve("suid"), "#!/bin/sh\n");
    FileNodes nodes = new FileNodes();
    nodes.chmod(suid, 04755);
    Path sticky = Files.createDirectory(extra.resolve("sticky"));
    nodes.chmod(sticky, 01777);
    nodes.lchown(sticky, 1, 2);
    nodes.mkfifo(extra.resolve("fifo"), 0640);
    Path tagged = Files.writeString(extra.resolve("tagged"), "x");
    new Xattrs().set(tagged, "user.note", "über".getBytes(StandardCharsets.UTF_8));
    new Xattrs().set(tagged, "trusted.flag", new byte[] {1, 0, 2});
    Files.createSymbolicLink(extra.resolve("dangling"), Path.of("../no/such/thing"));
    Files.writeString(extra.resolve("ünïcödé-" + "n".repeat(200)), "long name");
    return scratch.resolve("extra");
  }

  /** Path relative to {@code base} → description, for every entry under {@code top}. */
  private static Map<String, String> describe(Path base, Path top) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Xattrs xattrs = new Xattrs();
    List<Path> paths;
    try (Stream<Path> walk = Files.walk(top)) {
      paths = walk.filter(p -> !p.equals(base)).toList();
    }
    for (Path p : paths) {
      Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      StringBuilder b = new StringBuilder(Integer.toOctalString(mode))
          .append(' ').append(a.get("uid")).append(':').append(a.get("gid"));
      if (Files.isSymbolicLink(p)) {
        b.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        b.append(" size=").append(a.get("size")).append(" sha256=").append(HexFormat.of().formatHex(sha256(p)));
      }
      for (String name : xattrs.list(p).stream().sorted().toList()) {
        b.append(' ').append(name).append('=').append(HexFormat.of().formatHex(xattrs.get(p, name).orElseThrow()));
      }
      out.put(base.relativize(p).toString(), b.toString());
    }
    return out;
  }

  private static void assertSameTree(Map<String, String> expected, Map<String, String> actual) {
    List<String> problems = new ArrayList<>();
    for (var e : expected.entrySet()) {
      String a = actual.get(e.getKey());
      if (!e.getValue().equals(a)) {
        problems.add(e.getKey() + ": expected [" + e.getValue() + "] got [" + a + "]");
      }
    }
    for (String k : actual.keySet()) {
      if (!expected.containsKey(k)) {
        problems.add(k + ": unexpected [" + actual.get(k) + "]");
      }
    }
    assertEquals(List.of(), problems.stream().limit(20).toList(), problems.size() + " differences");
  }

  private static byte[] sha256(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
        in.transferTo(OutputStream.nullOutputStream());
      }
      return md.digest();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + output);
  }
}
