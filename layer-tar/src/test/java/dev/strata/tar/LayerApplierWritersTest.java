package dev.strata.tar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.posix.FileNodes;
import dev.strata.testing.RawTar;
import dev.strata.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small files are created by writer threads while the applier reads on; the result must be the
 * tree a one-thread apply makes, whatever the tar does to names still being written: replace them
 * (twice, by a directory, by a symlink), link to them, white them out, make their directory opaque,
 * or land on names a lower copy already holds.
 */
class LayerApplierWritersTest {

  @TempDir Path tmp;

  private static final List<String> NAMES = List.of("a", "b", "c", "d/e", "d/f", "d/g/h", "x", "x/y");

  @Test
  void randomTars_writerThreadsMakeTheSameTreeAsOneThread() throws IOException {
    for (int seed = 0; seed < 60; seed++) {
      byte[] tar = randomTar(new Random(seed));
      assertEquals(outcome(0, tar, "one-" + seed, false), outcome(4, tar, "four-" + seed, false), "seed " + seed);
    }
  }

  @Test
  void overAPopulatedTree_takenNamesAreReplacedInOrder() throws IOException {
    for (int seed = 100; seed < 140; seed++) {
      byte[] tar = randomTar(new Random(seed));
      assertEquals(outcome(0, tar, "one-" + seed, true), outcome(3, tar, "three-" + seed, true), "seed " + seed);
    }
  }

  /**
   * The tree an apply leaves, or the error it fails with. Directory times are left out: a directory
   * the tar only implies is made with the current time, which differs between any two applies.
   */
  private String outcome(int writers, byte[] tar, String dir, boolean populated) throws IOException {
    try {
      Map<String, TreeSnapshot.Entry> tree = applyWith(writers, tar, dir, populated);
      StringBuilder s = new StringBuilder();
      tree.forEach((path, what) -> s.append(path).append(" = ")
          .append(what.type() == TreeSnapshot.Type.DIR ? what.toString().replaceAll(" mtime=\\S+", "") : what)
          .append('\n'));
      return s.toString();
    } catch (dev.strata.driver.error.StorageException e) {
      return "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  @Test
  void manySmallFiles_allWrittenWithContentAndMetadata() throws IOException {
    RawTar t = new RawTar();
    for (int d = 0; d < 20; d++) {
      t.dir("d" + d);
      for (int f = 0; f < 100; f++) {
        byte[] content = ("file " + d + "/" + f + "\n").repeat(f).getBytes(StandardCharsets.UTF_8);
        t.add(RawTar.file("d" + d + "/f" + f).mode(0600 + f % 8).size(content.length), content);
      }
    }
    byte[] tar = t.end();
    assertEquals(applyWith(0, tar, "one", false), applyWith(2, tar, "two", false));
    Path f = tmp.resolve("two/d7/f42");
    assertEquals(("file 7/42\n").repeat(42), Files.readString(f));
  }

  @Test
  void aFileAWriterCannotCreate_failsTheApplyNamingThatEntry() throws IOException, InterruptedException {
    assumeTrue(new FileNodes().isRoot(), "chattr +i needs root");
    Path root = Files.createDirectories(tmp.resolve("immutable"));
    Path locked = Files.createDirectories(root.resolve("locked"));
    assumeTrue(run("chattr", "+i", locked.toString()) == 0, "chattr +i unsupported here");
    try {
      byte[] tar = new RawTar().file("ok", "fine").file("locked/blocked", "no").file("later", "x").end();
      IOException e = assertThrows(IOException.class, () -> applier(2).apply(new ByteArrayInputStream(tar), root));
      assertTrue(e.getMessage().contains("locked/blocked"), e.getMessage());
      assertTrue(Files.exists(root.resolve("ok")), "files before the failure were written");
    } finally {
      run("chattr", "-i", locked.toString());
    }
  }

  private Map<String, TreeSnapshot.Entry> applyWith(int writers, byte[] tar, String dir, boolean populated)
      throws IOException {
    Path root = Files.createDirectories(tmp.resolve(dir));
    if (populated) {
      populate(root);
    }
    applier(writers).apply(new ByteArrayInputStream(tar), root);
    return TreeSnapshot.ofCopy(root).withoutRoot().entries();
  }

  private static LayerApplier applier(int writers) {
    ApplyOptions options = new FileNodes().isRoot() ? ApplyOptions.privileged() : ApplyOptions.unprivileged();
    return new LayerApplier(options.withWriterThreads(writers), new DeletingWhiteouts());
  }

  /** What a copied lower layer could hold at the names the tars use: files, dirs, links. */
  private static void populate(Path root) throws IOException {
    Files.writeString(root.resolve("a"), "lower a");
    Files.createDirectories(root.resolve("b/inner"));
    Files.writeString(root.resolve("b/inner/file"), "lower b");
    Files.createDirectories(root.resolve("d"));
    Files.writeString(root.resolve("d/e"), "lower e");
    Files.createSymbolicLink(root.resolve("c"), Path.of("a"));
    Files.createDirectories(root.resolve("x/y"));
  }

  private static byte[] randomTar(Random r) {
    RawTar t = new RawTar();
    int entries = 10 + r.nextInt(40);
    List<String> files = new ArrayList<>();
    for (int i = 0; i < entries; i++) {
      String name = NAMES.get(r.nextInt(NAMES.size()));
      int parentEnd = name.lastIndexOf('/');
      String base = parentEnd < 0 ? name : name.substring(parentEnd + 1);
      String dir = parentEnd < 0 ? "" : name.substring(0, parentEnd + 1);
      switch (r.nextInt(10)) {
        case 0 -> t.dir(name);
        case 1 -> t.symlink(name, "target-" + i);
        case 2 -> {
          if (!files.isEmpty()) {
            t.hardlink(name, files.get(r.nextInt(files.size())));
          }
        }
        case 3 -> t.file(dir + ".wh." + base, "");
        case 4 -> t.file(dir + ".wh..wh..opq", "");
        default -> {
          byte[] content = new byte[r.nextInt(3) == 0 ? 5000 + r.nextInt(300_000) : r.nextInt(64)];
          for (int k = 0; k < content.length; k += 97) {
            content[k] = (byte) (i + k); // mostly zero: sparse blocks too
          }
          t.add(RawTar.file(name).mode(0640).size(content.length), content);
          files.add(name);
        }
      }
    }
    return t.end();
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }
}
