package dev.strata.snapshotter;

import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.SnapshotsOuterClass.CleanupRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.CommitSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.Info;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ListSnapshotsResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.MountsResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.PrepareSnapshotResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.StatSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.StatSnapshotResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UpdateSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UpdateSnapshotResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UsageRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.UsageResponse;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ViewSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsOuterClass.ViewSnapshotResponse;
import containerd.types.MountOuterClass;
import dev.strata.driver.Mount;
import dev.strata.driver.Usage;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * containerd's {@code Snapshots} service over a {@link SnapshotStore}: translates messages, and
 * failures into the status codes containerd expects ({@link Statuses}). The {@code snapshotter}
 * field of every request is ignored: containerd names the proxy, and this server is one snapshotter.
 */
final class SnapshotsService extends SnapshotsGrpc.SnapshotsImplBase {

  /** Infos per List message: containerd's own server batches alike, keeping each message small. */
  private static final int LIST_BATCH = 100;

  private final SnapshotStore store;

  SnapshotsService(SnapshotStore store) {
    this.store = store;
  }

  /** One RPC's work; its failure becomes the call's status. */
  private interface Call<T> {
    T run() throws IOException;
  }

  private static <T> void answer(String rpc, StreamObserver<T> out, Call<T> call) {
    T response;
    try {
      response = call.run();
    } catch (IOException | RuntimeException e) {
      out.onError(Statuses.of(rpc, e));
      return;
    }
    out.onNext(response);
    out.onCompleted();
  }

  @Override
  public void prepare(PrepareSnapshotRequest req, StreamObserver<PrepareSnapshotResponse> out) {
    answer("Prepare", out, () -> PrepareSnapshotResponse.newBuilder()
        .addAllMounts(toProto(store.create(Kind.ACTIVE, req.getKey(), req.getParent(), req.getLabelsMap())))
        .build());
  }

  @Override
  public void view(ViewSnapshotRequest req, StreamObserver<ViewSnapshotResponse> out) {
    answer("View", out, () -> ViewSnapshotResponse.newBuilder()
        .addAllMounts(toProto(store.create(Kind.VIEW, req.getKey(), req.getParent(), req.getLabelsMap())))
        .build());
  }

  @Override
  public void mounts(MountsRequest req, StreamObserver<MountsResponse> out) {
    answer("Mounts", out, () -> MountsResponse.newBuilder().addAllMounts(toProto(store.mounts(req.getKey()))).build());
  }

  @Override
  public void commit(CommitSnapshotRequest req, StreamObserver<Empty> out) {
    answer("Commit", out, () -> {
      store.commit(req.getName(), req.getKey(), req.getLabelsMap());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void remove(RemoveSnapshotRequest req, StreamObserver<Empty> out) {
    answer("Remove", out, () -> {
      store.remove(req.getKey());
      return Empty.getDefaultInstance();
    });
  }

  @Override
  public void stat(StatSnapshotRequest req, StreamObserver<StatSnapshotResponse> out) {
    answer("Stat", out, () -> StatSnapshotResponse.newBuilder().setInfo(toProto(store.stat(req.getKey()))).build());
  }

  @Override
  public void update(UpdateSnapshotRequest req, StreamObserver<UpdateSnapshotResponse> out) {
    answer("Update", out, () -> {
      SnapshotRecord r = store.updateLabels(req.getInfo().getName(), req.getInfo().getLabelsMap(),
          req.getUpdateMask().getPathsList());
      return UpdateSnapshotResponse.newBuilder().setInfo(toProto(r)).build();
    });
  }

  @Override
  public void list(ListSnapshotsRequest req, StreamObserver<ListSnapshotsResponse> out) {
    List<SnapshotRecord> matching = new ArrayList<>();
    try {
      ListFilter filter = ListFilter.parse(req.getFiltersList());
      for (SnapshotRecord r : store.list()) {
        if (filter.matches(r)) {
          matching.add(r);
        }
      }
    } catch (IOException | RuntimeException e) {
      out.onError(Statuses.of("List", e));
      return;
    }
    matching.sort(Comparator.comparing(SnapshotRecord::key));
    ListSnapshotsResponse.Builder batch = ListSnapshotsResponse.newBuilder();
    for (SnapshotRecord r : matching) {
      batch.addInfo(toProto(r));
      if (batch.getInfoCount() == LIST_BATCH) {
        out.onNext(batch.build());
        batch = ListSnapshotsResponse.newBuilder();
      }
    }
    if (batch.getInfoCount() > 0) {
      out.onNext(batch.build());
    }
    out.onCompleted();
  }

  @Override
  public void usage(UsageRequest req, StreamObserver<UsageResponse> out) {
    answer("Usage", out, () -> {
      Usage u = store.usage(req.getKey());
      return UsageResponse.newBuilder().setSize(u.bytes()).setInodes(u.inodes()).build();
    });
  }

  @Override
  public void cleanup(CleanupRequest req, StreamObserver<Empty> out) {
    answer("Cleanup", out, () -> {
      store.cleanup();
      return Empty.getDefaultInstance();
    });
  }

  private static List<MountOuterClass.Mount> toProto(List<Mount> mounts) {
    List<MountOuterClass.Mount> result = new ArrayList<>();
    for (Mount m : mounts) {
      // The target is containerd's to choose; it mounts wherever it needs the view.
      result.add(MountOuterClass.Mount.newBuilder().setType(m.type()).setSource(m.source())
          .addAllOptions(m.options()).build());
    }
    return result;
  }

  private static Info toProto(SnapshotRecord r) {
    return Info.newBuilder()
        .setName(r.key())
        .setParent(r.parent())
        .setKind(switch (r.kind()) {
          case VIEW -> containerd.services.snapshots.v1.SnapshotsOuterClass.Kind.VIEW;
          case ACTIVE -> containerd.services.snapshots.v1.SnapshotsOuterClass.Kind.ACTIVE;
          case COMMITTED -> containerd.services.snapshots.v1.SnapshotsOuterClass.Kind.COMMITTED;
        })
        .setCreatedAt(timestamp(r.createdAt()))
        .setUpdatedAt(timestamp(r.updatedAt()))
        .putAllLabels(r.labels())
        .build();
  }

  private static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
