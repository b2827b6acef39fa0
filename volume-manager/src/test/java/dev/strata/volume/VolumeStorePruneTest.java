package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.posix.LockFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link VolumeStore#prune}: only unused volumes, only those the filter selects, one prune at a time. */
class VolumeStorePruneTest {

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

  private String anonymous(Map<String, String> labels) throws IOException {
    return store.create(new VolumeSpec(Optional.empty(), "local", Map.of(), labels)).name();
  }

  private List<String> remaining() throws IOException {
    return store.list(VolumeFilter.all()).stream().map(Volume::name).sorted().toList();
  }

  @Test
  void prune_default_removesOnlyUnusedAnonymousVolumes() throws IOException {
    String unused = anonymous(Map.of());
    String referenced = anonymous(Map.of());
    store.acquire(referenced, "c1");
    String mounted = anonymous(Map.of());
    store.mount(mounted, "m1");
    store.create(new VolumeSpec(Optional.of("named"), "local", Map.of(), Map.of()));

    PruneReport report = store.prune(PruneFilter.anonymous());

    assertEquals(List.of(unused), report.deleted());
    assertEquals(List.of(mounted, referenced, "named").stream().sorted().toList(), remaining());
    store.unmount(mounted, "m1");
  }

  @Test
  void prune_all_removesUnusedNamedVolumesToo() throws IOException {
    String anon = anonymous(Map.of());
    store.create(new VolumeSpec(Optional.of("named"), "local", Map.of(), Map.of()));
    store.create(new VolumeSpec(Optional.of("used"), "local", Map.of(), Map.of()));
    store.acquire("used", "c1");

    PruneReport report = store.prune(PruneFilter.parse(true, List.of()));

    assertEquals(List.of(anon, "named").stream().sorted().toList(), report.deleted().stream().sorted().toList());
    assertEquals(List.of("used"), remaining());
  }

  @Test
  void prune_volumeWithOptions_isNeverPruned() throws IOException {
    store.create(new VolumeSpec(Optional.of("ram"), "local",
        Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m"), Map.of()));
    String anonWithOptions = store.create(new VolumeSpec(Optional.empty(), "local",
        Map.of("type", "tmpfs", "device", "tmpfs"), Map.of())).name();
    store.create(new VolumeSpec(Optional.of("bound"), "local",
        Map.of("type", "none", "device", root.toString(), "o", "bind"), Map.of()));

    PruneReport report = store.prune(PruneFilter.parse(true, List.of()));

    assertEquals(List.of(), report.deleted());
    assertEquals(List.of(anonWithOptions, "ram", "bound").stream().sorted().toList(), remaining());
  }

  @Test
  void prune_labelFilter_removesOnlyMatching() throws IOException {
    String keep = anonymous(Map.of("env", "prod"));
    String drop = anonymous(Map.of("env", "test"));
    String unlabelled = anonymous(Map.of());

    PruneReport report = store.prune(PruneFilter.parse(false, List.of("label=env=test")));

    assertEquals(List.of(drop), report.deleted());
    assertEquals(List.of(keep, unlabelled).stream().sorted().toList(), remaining());
  }

  @Test
  void prune_notLabelFilter_keepsMatching() throws IOException {
    String keep = anonymous(Map.of("keep", ""));
    String drop = anonymous(Map.of());

    PruneReport report = store.prune(PruneFilter.parse(false, List.of("label!=keep")));

    assertEquals(List.of(drop), report.deleted());
    assertEquals(List.of(keep), remaining());
  }

  @Test
  void prune_dataWritten_reclaimsAtLeastItsSize() throws IOException {
    String anon = anonymous(Map.of());
    Path data = store.get(anon).mountpoint();
    byte[] bytes = new byte[1 << 20];
    new Random(1).nextBytes(bytes);
    Files.write(data.resolve("a"), bytes);
    Files.createDirectory(data.resolve("d"));
    Files.write(data.resolve("d/b"), bytes);

    PruneReport report = store.prune(PruneFilter.anonymous());

    assertEquals(List.of(anon), report.deleted());
    long written = 2L << 20;
    assertTrue(report.reclaimedBytes() >= written, String.valueOf(report.reclaimedBytes()));
    assertTrue(report.reclaimedBytes() < written + (256 << 10), String.valueOf(report.reclaimedBytes()));
  }

  @Test
  void prune_nothingToPrune_reportsZero() throws IOException {
    assertEquals(new PruneReport(List.of(), 0), store.prune(PruneFilter.anonymous()));
  }

  @Test
  void prune_whileAnotherPruneRuns_throwsFailedPrecondition() throws Exception {
    String anon = anonymous(Map.of());
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(1);
    CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
      try {
        try (LockFile l = LockFile.open(store.directory().resolve(".prune.lock"))) {
          l.lock(true);
          held.countDown();
          done.await();
        }
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    try {
      held.await();
      FailedPreconditionException e = assertThrows(FailedPreconditionException.class,
          () -> store.prune(PruneFilter.anonymous()));
      assertEquals("a prune operation is already running", e.getMessage());
      assertEquals(List.of(anon), remaining());
    } finally {
      done.countDown();
      other.get();
    }

    assertEquals(List.of(anon), store.prune(PruneFilter.anonymous()).deleted());
  }

  @Test
  void prune_volumeWhoseDataWasDeletedByHand_removesIt() throws IOException {
    String anon = anonymous(Map.of());
    Files.delete(store.get(anon).mountpoint());
    String other = anonymous(Map.of());

    PruneReport report = store.prune(PruneFilter.anonymous());

    assertEquals(List.of(anon, other).stream().sorted().toList(), report.deleted().stream().sorted().toList());
    assertEquals(List.of(), remaining());
  }

  @Test
  void prune_dataSymlinkedOutside_skipsItAndPrunesTheRest() throws IOException {
    String escaping = anonymous(Map.of());
    Path outside = Files.createDirectory(root.resolve("outside"));
    Files.writeString(outside.resolve("precious"), "keep me");
    Files.delete(store.get(escaping).mountpoint());
    Files.createSymbolicLink(store.get(escaping).mountpoint(), outside);
    String other = anonymous(Map.of());

    PruneReport report = store.prune(PruneFilter.anonymous());

    assertEquals(List.of(other), report.deleted());
    assertEquals(List.of(escaping), remaining());
    assertEquals("keep me", Files.readString(outside.resolve("precious")));
  }
}
