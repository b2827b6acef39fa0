package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.snapshots.v1.SnapshotsOuterClass.CommitSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.PrepareSnapshotRequest;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The snapshotter contract on overlay2: snapshots stacked as overlay lowers, on the ext4 or xfs under /tmp. */
class Overlay2SnapshotterTest extends SnapshotterContract {

  @TempDir Path temp;

  @Override
  GraphDriver openDriver(Path home) throws IOException {
    return new GraphDrivers().open("overlay2", DriverConfig.of(home));
  }

  @Override
  Path scratch() {
    return temp;
  }

  @Test
  void prepare_pastContainerdsMountDataPage_failedPreconditionAndNoLayerLeft() throws IOException {
    String parent = "";
    int depth = 0;
    while (true) {
      try {
        stub().prepare(PrepareSnapshotRequest.newBuilder().setKey("a" + depth).setParent(parent).build());
      } catch (StatusRuntimeException e) {
        assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), e.toString());
        assertTrue(e.getStatus().getDescription().contains("4096"), e.getStatus().getDescription());
        break;
      }
      stub().commit(CommitSnapshotRequest.newBuilder().setName("c" + depth).setKey("a" + depth).build());
      parent = "c" + depth;
      depth++;
      assertTrue(depth < 400, "no limit met");
    }
    assertTrue(depth >= 100, "only " + depth + " layers deep");
    assertEquals(depth, driver().layers().size());
  }
}
