package dev.strata.snapshotter;

import static dev.strata.snapshotter.SnapshotterContract.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import containerd.services.snapshots.v1.SnapshotsGrpc.SnapshotsBlockingStub;
import containerd.services.snapshots.v1.SnapshotsOuterClass.CleanupRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.CommitSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.Info;
import containerd.services.snapshots.v1.SnapshotsOuterClass.Kind;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.StatSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UpdateSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UsageRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ViewSnapshotRequest;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Snapshots protocol as containerd uses it, over a real unix socket, on vfs. */
class SnapshotterServerTest {

  @TempDir Path dir;
  private GraphDriver driver;
  private SnapshotterServer server;
  private SnapshotsClient client;

  @BeforeEach
  void start() throws IOException {
    driver = new GraphDrivers().open("vfs", DriverConfig.of(dir.resolve("home")));
    server = SnapshotterServer.start(socket(), dir.resolve("state"), driver);
    client = new SnapshotsClient(socket());
  }

  @AfterEach
  void stop() throws Exception {
    try {
      client.close();
    } finally {
      try {
        server.close();
      } finally {
        driver.close();
        Files.deleteIfExists(socket());
      }
    }
  }

  private Path socket() {
    return dir.resolve("snap.sock");
  }

  private SnapshotsBlockingStub stub() {
    return client.stub();
  }

  private void restart() throws Exception {
    client.close();
    server.close();
    Files.deleteIfExists(socket());
    server = SnapshotterServer.start(socket(), dir.resolve("state"), driver);
    client = new SnapshotsClient(socket());
  }

  private void prepare(String key, String parent, Map<String, String> labels) {
    stub().prepare(PrepareSnapshotRequest.newBuilder().setKey(key).setParent(parent).putAllLabels(labels).build());
  }

  private void commit(String name, String key) {
    stub().commit(CommitSnapshotRequest.newBuilder().setName(name).setKey(key).build());
  }

  private Info stat(String key) {
    return stub().stat(StatSnapshotRequest.newBuilder().setKey(key).build()).getInfo();
  }

  private List<String> list(String... filters) {
    List<String> names = new ArrayList<>();
    stub().list(ListSnapshotsRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .forEachRemaining(r -> r.getInfoList().forEach(i -> names.add(i.getName())));
    return names;
  }

  /** base (committed, label tier=base) ← app (committed) ← rw (active), and a view of app. */
  private void chain() {
    prepare("ns/1/base-x", "", Map.of("tier", "base"));
    stub().commit(CommitSnapshotRequest.newBuilder().setName("base").setKey("ns/1/base-x")
        .putLabels("tier", "base").build());
    prepare("ns/2/app-x", "base", Map.of());
    commit("app", "ns/2/app-x");
    prepare("rw", "app", Map.of("containerd.io/snapshot.ref", "x"));
    stub().view(ViewSnapshotRequest.newBuilder().setKey("v").setParent("app").build());
  }

  @Test
  void stat_afterPrepareAndCommit_reportsKindParentLabelsAndTimes() {
    chain();
    Info rw = stat("rw");
    assertEquals(Kind.ACTIVE, rw.getKind());
    assertEquals("app", rw.getParent());
    assertEquals(Map.of("containerd.io/snapshot.ref", "x"), rw.getLabelsMap());
    assertTrue(rw.getCreatedAt().getSeconds() > 0);
    Info base = stat("base");
    assertEquals(Kind.COMMITTED, base.getKind());
    assertEquals("", base.getParent());
    assertEquals(Map.of("tier", "base"), base.getLabelsMap());
    assertEquals(Kind.VIEW, stat("v").getKind());
    assertCode(Status.Code.NOT_FOUND, () -> stat("ns/1/base-x"));
  }

  @Test
  void prepare_existingKey_alreadyExists() {
    prepare("k", "", Map.of());
    assertCode(Status.Code.ALREADY_EXISTS, () -> prepare("k", "", Map.of()));
  }

  @Test
  void prepare_missingParent_notFound() {
    assertCode(Status.Code.NOT_FOUND, () -> prepare("k", "no-such-parent", Map.of()));
  }

  @Test
  void prepare_activeParent_failedPreconditionAndNoLayerLeft() throws IOException {
    prepare("active", "", Map.of());
    assertCode(Status.Code.FAILED_PRECONDITION, () -> prepare("k", "active", Map.of()));
    assertEquals(1, driver.layers().size());
  }

  @Test
  void commit_ofView_failedPrecondition() {
    chain();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> commit("x", "v"));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> commit("x", "app"));
  }

  @Test
  void commit_toExistingName_alreadyExistsAndActiveStays() {
    chain();
    assertCode(Status.Code.ALREADY_EXISTS, () -> commit("base", "rw"));
    assertEquals(Kind.ACTIVE, stat("rw").getKind());
  }

  @Test
  void commit_missingKey_notFound() {
    assertCode(Status.Code.NOT_FOUND, () -> commit("x", "nothing"));
  }

  @Test
  void remove_withChildren_failedPrecondition() {
    chain();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> remove("app"));
    remove("rw");
    remove("v");
    remove("app");
    assertEquals(List.of("base"), list());
  }

  @Test
  void remove_missing_notFound() {
    assertCode(Status.Code.NOT_FOUND, () -> remove("nothing"));
  }

  private void remove(String key) {
    stub().remove(RemoveSnapshotRequest.newBuilder().setKey(key).build());
  }

  @Test
  void update_fieldPaths_setDeleteOrReplaceLabels() {
    prepare("k", "", Map.of("a", "1", "b", "2"));
    Info change = Info.newBuilder().setName("k").putLabels("a", "10").putLabels("c", "3").build();
    update(change, "labels.a", "labels.b");
    assertEquals(Map.of("a", "10"), stat("k").getLabelsMap(), "labels.b absent from the info deletes it");
    update(change, "labels");
    assertEquals(Map.of("a", "10", "c", "3"), stat("k").getLabelsMap());
    update(Info.newBuilder().setName("k").putLabels("z", "26").build());
    assertEquals(Map.of("z", "26"), stat("k").getLabelsMap(), "no mask replaces every label");
    assertCode(Status.Code.INVALID_ARGUMENT, () -> update(change, "kind"));
    assertCode(Status.Code.NOT_FOUND, () -> update(Info.newBuilder().setName("nothing").build()));
  }

  private Info update(Info info, String... paths) {
    return stub().update(UpdateSnapshotRequest.newBuilder().setInfo(info)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths))).build()).getInfo();
  }

  @Test
  void list_withFilters_returnsWhatAnyFilterMatches() {
    chain();
    assertEquals(List.of("app", "base", "rw", "v"), list());
    assertEquals(List.of("app", "base"), list("kind==committed"));
    assertEquals(List.of("rw", "v"), list("parent==app"));
    assertEquals(List.of("base"), list("labels.\"tier\"==base"));
    assertEquals(List.of("rw"), list("labels.\"containerd.io/snapshot.ref\""));
    assertEquals(List.of("base", "v"), list("name==base", "kind==view"));
    assertEquals(List.of("app"), list("kind==committed,name!=base"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> list("name~=b.*"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> list("size==1"));
  }

  @Test
  void list_manySnapshots_streamsThemAll() {
    for (int i = 0; i < 120; i++) {
      stub().view(ViewSnapshotRequest.newBuilder().setKey("view-" + i).build());
    }
    assertEquals(120, list().size(), "two List messages of at most 100");
  }

  @Test
  void usageAndMounts_ofMissingOrCommitted_notFoundOrFailedPrecondition() {
    chain();
    assertCode(Status.Code.NOT_FOUND, () -> stub().usage(UsageRequest.newBuilder().setKey("nothing").build()));
    assertCode(Status.Code.NOT_FOUND, () -> stub().mounts(MountsRequest.newBuilder().setKey("nothing").build()));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> stub().mounts(MountsRequest.newBuilder().setKey("base").build()));
    assertEquals(0, stub().usage(UsageRequest.newBuilder().setKey("base").build()).getSize() % 1);
  }

  @Test
  void hostileKeys_refusedAsInvalidArgument() throws IOException {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("", "", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("x".repeat(4097), "", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("a\0b", "", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("k", "p".repeat(5000), Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> stat("y".repeat(5000)));
    prepare("k".repeat(4096), "", Map.of());
    assertEquals(1, driver.layers().size(), "only the 4096-byte key made a layer");
  }

  @Test
  void hostileLabels_refusedAsInvalidArgument() throws IOException {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      many.put("l" + i, "v");
    }
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("k", "", many));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> prepare("k", "", Map.of("big", "v".repeat(4094))));
    prepare("k", "", Map.of("big", "v".repeat(4093)));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> update(Info.newBuilder().setName("k").putAllLabels(many).build()));
    assertEquals(1, driver.layers().size());
  }

  @Test
  void oversizeRequest_refusedBeforeReachingTheStore() throws IOException {
    Map<String, String> huge = new HashMap<>();
    for (int i = 0; i < 400; i++) {
      huge.put("l" + i, "v".repeat(4000));
    }
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> prepare("k", "", huge));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode(), e.toString());
    assertEquals(0, driver.layers().size());
    prepare("after", "", Map.of());
  }

  @Test
  void prepare_sameKeyConcurrently_exactlyOneSucceeds() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Status.Code>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit(() -> {
          try {
            prepare("same", "", Map.of());
            return Status.Code.OK;
          } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
          }
        }));
      }
      int ok = 0;
      for (Future<Status.Code> f : results) {
        Status.Code code = f.get();
        assertTrue(code == Status.Code.OK || code == Status.Code.ALREADY_EXISTS, code.toString());
        ok += code == Status.Code.OK ? 1 : 0;
      }
      assertEquals(1, ok);
      assertEquals(1, driver.layers().size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void restart_onSameState_keepsEverySnapshot() throws Exception {
    chain();
    List<Info> before = new ArrayList<>();
    for (String k : list()) {
      before.add(stat(k));
    }
    restart();
    List<Info> after = new ArrayList<>();
    for (String k : list()) {
      after.add(stat(k));
    }
    assertEquals(before, after);
    prepare("child", "app", Map.of());
  }

  @Test
  void restart_afterCrashLeftovers_dropsRecordsWithoutLayersAndRemovesOrphans() throws Exception {
    chain();
    // What a crash can leave: a layer made with no record yet, and a record whose layer went.
    driver.createWritable(dev.strata.driver.LayerId.of("orphan"), Optional.empty(), Map.of());
    String viewLayer = null;
    for (Path record : Files.newDirectoryStream(dir.resolve("state/records"))) {
      if (Files.readString(record).contains("\"key\":\"v\"")) {
        viewLayer = record.getFileName().toString().replace(".json", "");
      }
    }
    driver.remove(dev.strata.driver.LayerId.of(viewLayer));
    restart();
    assertEquals(List.of("app", "base", "rw"), list());
    assertFalse(driver.exists(dev.strata.driver.LayerId.of("orphan")));
    assertEquals(3, driver.layers().size());
  }

  @Test
  void restart_afterRemovalBegun_finishesIt() throws Exception {
    chain();
    String rwLayer = null;
    for (Path record : Files.newDirectoryStream(dir.resolve("state/records"))) {
      if (Files.readString(record).contains("\"key\":\"rw\"")) {
        rwLayer = record.getFileName().toString().replace(".json", "");
      }
    }
    Files.move(dir.resolve("state/records/" + rwLayer + ".json"), dir.resolve("state/records/" + rwLayer + ".removing"));
    restart();
    assertEquals(List.of("app", "base", "v"), list());
    assertFalse(driver.exists(dev.strata.driver.LayerId.of(rwLayer)));
    assertFalse(Files.exists(dir.resolve("state/records/" + rwLayer + ".removing")));
  }

  @Test
  void cleanup_removesLayersNoSnapshotNames() throws IOException {
    chain();
    driver.createWritable(dev.strata.driver.LayerId.of("orphan"), Optional.empty(), Map.of());
    stub().cleanup(CleanupRequest.getDefaultInstance());
    assertFalse(driver.exists(dev.strata.driver.LayerId.of("orphan")));
    assertEquals(4, driver.layers().size());
  }

  @Test
  void start_onExistingSocketPath_refused() throws IOException {
    Path other = Files.createFile(dir.resolve("taken.sock"));
    assertThrows(FileAlreadyExistsException.class, () -> SnapshotterServer.start(other, dir.resolve("state2"), driver));
  }

  @Test
  void close_twice_isIdempotent() {
    server.close();
    server.close();
  }
}
