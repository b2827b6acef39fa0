package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.snapshots.v1.SnapshotsGrpc.SnapshotsBlockingStub;
import containerd.services.snapshots.v1.SnapshotsOuterClass.CommitSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.Kind;
import containerd.services.snapshots.v1.SnapshotsOuterClass.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.StatSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UsageRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UsageResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ViewSnapshotRequest;
import containerd.types.MountOuterClass;
import dev.strata.driver.GraphDriver;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * What every driver under the snapshotter must do for containerd: mounts that, performed with
 * mount(8), show the parent's content, take writes in the active snapshot only, and refuse writes
 * in a view. A driver adopts it by saying how its driver is opened on a home.
 */
abstract class SnapshotterContract {

  /** Opens the driver under test on a fresh home the test owns. */
  abstract GraphDriver openDriver(Path scratch) throws IOException;

  /** A directory for this test, on a filesystem the driver supports. */
  abstract Path scratch() throws IOException;

  private Path dir;
  private GraphDriver driver;
  private SnapshotterServer server;
  private SnapshotsClient client;

  @BeforeEach
  void startServer() throws IOException {
    dir = scratch();
    driver = openDriver(dir.resolve("home"));
    server = SnapshotterServer.start(dir.resolve("snap.sock"), dir.resolve("state"), driver);
    client = new SnapshotsClient(dir.resolve("snap.sock"));
  }

  @AfterEach
  void stopServer() throws Exception {
    try {
      client.close();
    } finally {
      try {
        server.close();
      } finally {
        driver.close();
        Files.deleteIfExists(dir.resolve("snap.sock"));
      }
    }
  }

  GraphDriver driver() {
    return driver;
  }

  SnapshotsBlockingStub stub() {
    return client.stub();
  }

  private List<MountOuterClass.Mount> prepare(String key, String parent) {
    return stub().prepare(PrepareSnapshotRequest.newBuilder().setKey(key).setParent(parent).build()).getMountsList();
  }

  private void commit(String name, String key) {
    stub().commit(CommitSnapshotRequest.newBuilder().setName(name).setKey(key).build());
  }

  /** A committed base holding {@code /etc/base} and {@code /gone}, then {@code /gone} deleted on top. */
  private void committedStack() throws IOException {
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/1/base-active", ""), dir.resolve("m1"))) {
      Files.createDirectories(m.root().resolve("etc"));
      Files.writeString(m.root().resolve("etc/base"), "base\n");
      Files.writeString(m.root().resolve("gone"), "x");
    }
    commit("ns/2/base", "ns/1/base-active");
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/3/top-active", "ns/2/base"), dir.resolve("m2"))) {
      Files.delete(m.root().resolve("gone"));
      Files.writeString(m.root().resolve("etc/top"), "top\n");
    }
    commit("ns/4/top", "ns/3/top-active");
  }

  @Test
  void prepare_onCommittedStack_mountShowsParentsAndWritesStayInChild() throws IOException {
    committedStack();
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/5/rw", "ns/4/top"), dir.resolve("m3"))) {
      assertEquals("base\n", Files.readString(m.root().resolve("etc/base")));
      assertEquals("top\n", Files.readString(m.root().resolve("etc/top")));
      assertFalse(Files.exists(m.root().resolve("gone")));
      Files.writeString(m.root().resolve("etc/base"), "changed\n");
    }
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/6/other", "ns/4/top"), dir.resolve("m4"))) {
      assertEquals("base\n", Files.readString(m.root().resolve("etc/base")), "a sibling sees the committed content");
    }
    try (MountedSnapshot m = MountedSnapshot.mount(mounts("ns/5/rw"), dir.resolve("m5"))) {
      assertEquals("changed\n", Files.readString(m.root().resolve("etc/base")), "the write stayed in ns/5/rw");
    }
  }

  @Test
  void view_ofCommitted_isReadOnlyAndShowsContent() throws IOException {
    committedStack();
    List<MountOuterClass.Mount> mounts = stub().view(
        ViewSnapshotRequest.newBuilder().setKey("ns/7/view").setParent("ns/4/top").build()).getMountsList();
    assertTrue(mounts.get(0).getOptionsList().contains("ro"), mounts.toString());
    try (MountedSnapshot m = MountedSnapshot.mount(mounts, dir.resolve("v"))) {
      assertEquals("top\n", Files.readString(m.root().resolve("etc/top")));
      assertFalse(Files.exists(m.root().resolve("gone")));
      IOException e = assertThrows(IOException.class, () -> Files.writeString(m.root().resolve("new"), "x"));
      assertTrue(e.getMessage().contains("Read-only"), e.toString());
    }
    assertEquals(Kind.VIEW, stub().stat(StatSnapshotRequest.newBuilder().setKey("ns/7/view").build()).getInfo().getKind());
  }

  @Test
  void view_ofBaseOnly_mountsParentReadOnly() throws IOException {
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/1/a", ""), dir.resolve("m1"))) {
      Files.writeString(m.root().resolve("only"), "1");
    }
    commit("ns/2/b", "ns/1/a");
    List<MountOuterClass.Mount> mounts = stub().view(
        ViewSnapshotRequest.newBuilder().setKey("ns/3/v").setParent("ns/2/b").build()).getMountsList();
    try (MountedSnapshot m = MountedSnapshot.mount(mounts, dir.resolve("v"))) {
      assertEquals("1", Files.readString(m.root().resolve("only")));
      assertThrows(IOException.class, () -> Files.writeString(m.root().resolve("new"), "x"));
    }
  }

  @Test
  void usage_afterWrite_countsTheSnapshotsOwnContent() throws IOException {
    try (MountedSnapshot m = MountedSnapshot.mount(prepare("ns/1/a", ""), dir.resolve("m1"))) {
      Files.write(m.root().resolve("blob"), new byte[256 * 1024]);
    }
    UsageResponse u = stub().usage(UsageRequest.newBuilder().setKey("ns/1/a").build());
    assertTrue(u.getSize() >= 256 * 1024, "size " + u.getSize());
    assertTrue(u.getInodes() >= 1, "inodes " + u.getInodes());
  }

  @Test
  void remove_parentThenChildren_refusedUntilChildrenGoneThenLayerGone() throws IOException {
    committedStack();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> remove("ns/2/base"));
    int layers = driver.layers().size();
    remove("ns/4/top");
    remove("ns/2/base");
    assertEquals(layers - 2, driver.layers().size());
    assertCode(Status.Code.NOT_FOUND, () -> remove("ns/2/base"));
  }

  @Test
  void mounts_ofCommitted_failedPrecondition() throws IOException {
    committedStack();
    assertCode(Status.Code.FAILED_PRECONDITION, () -> mounts("ns/4/top"));
  }

  private List<MountOuterClass.Mount> mounts(String key) {
    return stub().mounts(MountsRequest.newBuilder().setKey(key).build()).getMountsList();
  }

  private void remove(String key) {
    stub().remove(RemoveSnapshotRequest.newBuilder().setKey(key).build());
  }

  static void assertCode(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
  }
}
