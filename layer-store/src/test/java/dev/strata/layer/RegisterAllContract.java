package dev.strata.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.posix.FileNodes;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.Stress;
import dev.strata.testing.TreeSnapshot;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link LayerStore#registerAll} on one driver: the same layers as registering one by one, all or
 * nothing on failure, one copy when stacks overlap. overlay2 applies the stack side by side, vfs
 * and btrfs one layer after another; the outcome must not tell them apart.
 */
abstract class RegisterAllContract {

  /** Where the stores of a test live, on the filesystem the driver needs. */
  abstract Path base() throws IOException;

  abstract String driver();

  /** Eight layers touching each other's paths: whiteouts, opaque directories, a root entry, an opaque root. */
  static List<byte[]> stack() throws IOException {
    List<byte[]> tars = new ArrayList<>();
    tars.add(new LayerTarBuilder().dir("etc", 0755).file("etc/os-release", "NAME=test\n", 0644)
        .dir("usr", 0755).dir("usr/lib", 0755).file("usr/lib/a", "a", 0644).file("usr/lib/b", "b", 0600)
        .symlink("lib", "usr/lib").build());
    tars.add(new LayerTarBuilder().file("usr/lib/c", "c", 0644).whiteout("usr/lib/a").build());
    tars.add(new LayerTarBuilder().dir("usr/lib", 0700).opaque("usr/lib").file("usr/lib/d", "d", 0644).build());
    tars.add(new LayerTarBuilder().dir(".", 0750).xattr("user.layer", "four").file("root-file", "r", 0640).build());
    tars.add(new LayerTarBuilder().file("etc/os-release", "NAME=changed\n", 0644).hardlink("etc/again", "etc/os-release")
        .build());
    tars.add(new LayerTarBuilder().dir("var", 0755).dir("var/log", 0755).file("var/log/x", "x", 0644).build());
    tars.add(new LayerTarBuilder().opaque(".").dir("etc", 0755).file("etc/only", "only", 0644).build());
    tars.add(new LayerTarBuilder().file("etc/last", "last", 0644).whiteout("etc/only").build());
    return tars;
  }

  private static List<StackLayer> stackLayers(List<byte[]> tars) {
    List<StackLayer> out = new ArrayList<>();
    for (byte[] tar : tars) {
      out.add(new StackLayer(() -> new ByteArrayInputStream(tar), Digest.sha256Of(tar)));
    }
    return out;
  }

  private LayerStore open(String name) throws IOException {
    assumeTrue(new FileNodes().isRoot(), "the drivers' mounts and ownership need root");
    return LayerStore.open(LayerStoreConfig.of(base().resolve(name), driver()));
  }

  @Test
  void registerAll_stack_sameLayersTreesAndExportsAsRegisteringOneByOne() throws Exception {
    List<byte[]> tars = stack();
    try (LayerStore one = open("one"); LayerStore all = open("all")) {
      List<Layer> sequential = new ArrayList<>();
      Optional<ChainId> parent = Optional.empty();
      for (byte[] tar : tars) {
        Layer l = one.register(new ByteArrayInputStream(tar), parent, Optional.of(Digest.sha256Of(tar)));
        sequential.add(l);
        parent = Optional.of(l.chainId());
      }

      List<Layer> stacked = all.registerAll(Optional.empty(), stackLayers(tars));

      assertEquals(sequential, stacked);
      for (Layer l : stacked) {
        int top = l.depth() == stacked.size() ? 1 : 0;
        assertEquals(top, all.references(l.chainId()), "the top holds the stack's one reference: " + l.depth());
        assertArrayEquals(export(one, l.chainId()), export(all, l.chainId()), "export of " + l.chainId());
        TreeSnapshot want = view(one, l.chainId());
        TreeSnapshot got = view(all, l.chainId());
        // The root's times are when the layer was built whenever its tar wrote into the root.
        got.withoutRoot().assertMatches(want.withoutRoot(), TreeSnapshot.Times.FILES_TO_SECONDS);
        TreeSnapshot.Entry r1 = want.get("/");
        TreeSnapshot.Entry r2 = got.get("/");
        assertEquals(List.of(r1.mode(), r1.uid(), r1.gid()), List.of(r2.mode(), r2.uid(), r2.gid()), "root of " + l.depth());
        // Layer 4's root entry sets the root; the layers above inherit it, those below have the default.
        assertEquals(l.depth() >= 4 ? 0750 : 0755, r2.mode() & 07777, "root mode at depth " + l.depth());
        assertEquals(l.depth() >= 4 ? Map.of("user.layer", hex("four")) : Map.of(), userXattrs(r2), "root xattrs at depth " + l.depth());
      }
      TreeSnapshot top = view(all, stacked.get(stacked.size() - 1).chainId());
      assertEquals(Set.of("/", "/etc", "/etc/last"), top.paths(), "the opaque root of layer 7 hides everything below");
    }
  }

  @Test
  void registerAll_corruptMiddleLayer_leavesNothingNewAndKeepsReferences() throws Exception {
    List<byte[]> tars = stack();
    try (LayerStore store = open("store")) {
      Layer base = store.registerAll(Optional.empty(), stackLayers(tars.subList(0, 1))).get(0);
      Set<String> before = onDisk(store);
      List<StackLayer> layers = new ArrayList<>(stackLayers(tars));
      Digest wrong = Digest.sha256Of("not this layer".getBytes());
      layers.set(4, new StackLayer(layers.get(4).tar(), wrong,
          e -> new CorruptException("layer 4", "layer 4 is not " + wrong + ": " + e.getMessage(), e)));

      CorruptException e = assertThrows(CorruptException.class, () -> store.registerAll(Optional.empty(), layers));

      assertEquals("layer 4", e.subject());
      assertEquals(List.of(base), store.layers());
      assertEquals(1, store.references(base.chainId()));
      assertEquals(before, onDisk(store));
    }
  }

  @Test
  void registerAll_hostileMiddleLayer_leavesNothingNewAndKeepsReferences() throws Exception {
    List<byte[]> tars = new ArrayList<>(stack());
    tars.set(3, new LayerTarBuilder().symlink("escape", "/").file("escape/etc/owned", "x", 0644).build());
    try (LayerStore store = open("store")) {
      Layer base = store.registerAll(Optional.empty(), stackLayers(tars.subList(0, 2))).get(1);
      Set<String> before = onDisk(store);

      assertThrows(CorruptException.class, () -> store.registerAll(Optional.empty(), stackLayers(tars)));

      assertEquals(2, store.layers().size());
      assertEquals(1, store.references(base.chainId()));
      assertEquals(before, onDisk(store));
    }
  }

  @Test
  void registerAll_overlappingStacksFromTwoThreads_oneCopyOfEachLayerAndExactReferences() throws Exception {
    List<byte[]> tars = stack();
    List<byte[]> left = tars.subList(0, 6);
    List<byte[]> right = new ArrayList<>(tars.subList(0, 4));
    right.add(new LayerTarBuilder().file("right", "r", 0644).build());
    int rounds = Stress.iterations(3);
    try (LayerStore store = open("store")) {
      for (int round = 0; round < rounds; round++) {
        List<List<Layer>> results = java.util.Collections.synchronizedList(new ArrayList<>());
        Stress.run(2, Stress.deadline(Duration.ofSeconds(60)), thread ->
            results.add(store.registerAll(Optional.empty(), stackLayers(thread == 0 ? left : right))));

        assertEquals(7, store.layers().size(), "round " + round);
        for (List<Layer> stackOf : results) {
          for (Layer l : stackOf) {
            int top = l.depth() == stackOf.size() ? 1 : 0;
            assertEquals(top, store.references(l.chainId()), "round " + round + " depth " + l.depth());
          }
        }
        for (List<Layer> stackOf : results) {
          store.release(stackOf.get(stackOf.size() - 1).chainId());
        }
        assertEquals(List.of(), store.layers(), "round " + round);
      }
    }
  }

  @Test
  void registerAll_beyondMaxDepth_throwsFailedPreconditionAndBuildsNothing() throws Exception {
    try (LayerStore store = open("store")) {
      List<byte[]> tars = new ArrayList<>();
      for (int i = 0; i <= store.maxDepth(); i++) {
        tars.add(new LayerTarBuilder().file("f" + i, "x", 0644).build());
      }
      Set<String> before = onDisk(store);

      assertThrows(FailedPreconditionException.class, () -> store.registerAll(Optional.empty(), stackLayers(tars)));

      assertEquals(before, onDisk(store));
    }
  }

  /** TreeSnapshot's form of an xattr value. */
  private static String hex(String value) {
    return java.util.HexFormat.of().formatHex(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Map<String, String> userXattrs(TreeSnapshot.Entry e) {
    Map<String, String> out = new java.util.TreeMap<>(e.xattrs());
    out.keySet().removeIf(name -> !name.startsWith("user."));
    return out;
  }

  private static byte[] export(LayerStore store, ChainId chain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.export(chain, out);
    return out.toByteArray();
  }

  /** The layer's view, as a container on it sees it before writing anything. */
  private static TreeSnapshot view(LayerStore store, ChainId chain) throws IOException {
    String container = "view-" + chain.digest().hex().substring(0, 12);
    store.writeLayers().create(container, Optional.of(chain), InitHook.none(), Map.of());
    try {
      Path rootfs = store.writeLayers().mount(container);
      try {
        return TreeSnapshot.of(rootfs);
      } finally {
        store.writeLayers().unmount(container);
      }
    } finally {
      store.writeLayers().remove(container);
    }
  }

  /** Every path under the store's root but its lock files: what a failed registration must not change. */
  private static Set<String> onDisk(LayerStore store) throws IOException {
    Path root = store.metadataRoot().getParent().getParent();
    try (Stream<Path> all = Files.walk(root)) {
      Set<String> out = new TreeSet<>();
      all.map(p -> root.relativize(p).toString()).filter(p -> !p.contains("lock") && !p.contains(".mounts"))
          .forEach(out::add);
      assertTrue(out.size() > 1);
      return out;
    }
  }
}
