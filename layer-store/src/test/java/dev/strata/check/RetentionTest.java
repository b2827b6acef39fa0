package dev.strata.check;

import static dev.strata.check.CheckStores.check;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.check.Retention.ImageHolder;
import dev.strata.check.Retention.LayerHolders;
import dev.strata.image.Image;
import dev.strata.layer.Layer;
import dev.strata.posix.FileNodes;
import dev.strata.volume.MountSpec;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What holds each byte: a base layer shared by two images and a container, volumes, totals. */
class RetentionTest {

  @TempDir Path tmp;

  @Test
  void run_withSharedBaseLayer_listsBothImagesTheContainerAndAddsUp() throws IOException {
    assumeTrue(new FileNodes().isRoot(), "layers with owners need root");
    Path root = tmp.resolve("root");
    Layer base;
    Layer top;
    Image a;
    Image b;
    long dataSize;
    long spareSize;
    long written;
    try (CheckStores s = CheckStores.open(root)) {
      base = s.layer(Optional.empty(), "base.txt", "shared base");
      top = s.layer(Optional.of(base.chainId()), "app.txt", "only in b");
      a = s.image(List.of(base), "2024-01-01T00:00:00Z", "test/a:1");
      b = s.image(List.of(base, top), "2024-01-02T00:00:00Z", "test/b:1", "test/b:latest");
      s.layers.release(top.chainId());
      s.layers.release(base.chainId());
      s.containers.create(Optional.of("c1"), "test/b:1", List.of(MountSpec.parseVolume("data:/data")));
      Path rootfs = s.layers.writeLayers().mount("c1");
      Files.write(rootfs.resolve("written.bin"), new byte[20_000]);
      s.layers.writeLayers().unmount("c1");
      s.volumes.create(new VolumeSpec(Optional.of("spare"), VolumeStore.LOCAL, Map.of(), Map.of()));
      Files.write(root.resolve("volumes/data/_data/d.bin"), new byte[8192]);
      Files.write(root.resolve("volumes/spare/_data/s.bin"), new byte[4096]);
      dataSize = s.volumes.size("data");
      spareSize = s.volumes.size("spare");
      written = s.layers.writeLayers().size("c1");
    }

    CheckReport report = check(root, false);
    assertTrue(report.consistent(), report.toString());
    Retention r = report.retention();

    assertEquals(List.of(base.chainId().toString(), top.chainId().toString()),
        r.layers().stream().map(LayerHolders::chainId).toList());
    LayerHolders shared = r.layers().get(0);
    assertEquals(Map.of(a.id().toString(), List.of("test/a:1"), b.id().toString(), List.of("test/b:1", "test/b:latest")),
        shared.images().stream().collect(Collectors.toMap(ImageHolder::id, h -> h.tags().stream().sorted().toList())));
    assertEquals(List.of("c1"), shared.containers());
    assertEquals(List.of(top.chainId().toString()), shared.children());
    assertEquals(1, shared.references(), "only image a has it as its top layer");
    LayerHolders only = r.layers().get(1);
    assertEquals(Set.of(b.id().toString()), only.images().stream().map(ImageHolder::id).collect(Collectors.toSet()));
    assertEquals(List.of("c1"), only.containers());

    assertEquals(List.of(new Retention.ContainerBytes("c1", top.chainId().toString(), written)), r.containers());
    assertTrue(written >= 20_000, "the container's write counts: " + written);
    assertEquals(List.of(new Retention.VolumeHolders("data", dataSize, List.of("c1")),
        new Retention.VolumeHolders("spare", spareSize, List.of())),
        r.volumes().stream().sorted((x, y) -> x.name().compareTo(y.name())).toList());

    assertEquals(new Retention.Totals(base.size() + top.size(), written, dataSize, spareSize), r.totals());
  }
}
