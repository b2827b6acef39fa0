package dev.strata.tar;

import static dev.strata.tar.DiffFixtures.copy;
import static dev.strata.tar.DiffFixtures.entries;
import static dev.strata.tar.DiffFixtures.lines;
import static dev.strata.tar.DiffFixtures.listing;
import static dev.strata.tar.DiffFixtures.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.posix.FileNodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mounts below a view (a container's volumes in its root filesystem) are not layer content: the
 * differ reads what the layer holds at each mount point and never what is mounted there. Root:
 * the test mounts, and so does the differ (a clone of the view without its submounts).
 */
class LayerDifferMountsTest {

  @TempDir Path tmp;
  private final FileNodes nodes = new FileNodes();
  private final Mounter mounter = Mounter.system();
  private final List<Path> mounted = new ArrayList<>();
  private Path lower;
  private Path upper;

  @BeforeEach
  void trees() throws Exception {
    Assumptions.assumeTrue(nodes.isRoot(), "mounting needs root");
    lower = tmp.resolve("lower");
    write(lower.resolve("etc/hosts"), "127.0.0.1 localhost\n");
    Files.createDirectories(lower.resolve("data"));
    upper = copy(lower, tmp.resolve("upper"));
    write(upper.resolve("new.txt"), "rootfs");
    nodes.chmod(Files.createDirectory(upper.resolve("scratch")), 0755);
    write(upper.resolve("covered/beneath"), "layer");

    // A bind from the same filesystem (same st_dev), owned and permitted unlike the layer's /data.
    Path host = Files.createDirectory(tmp.resolve("host"));
    write(host.resolve("host.txt"), "volume");
    nodes.lchown(host, 1000, 1000);
    nodes.chmod(host, 0700);
    mount(Mount.bind(host, upper.resolve("data"), false));
    mount(new Mount("tmpfs", "tmpfs", upper.resolve("scratch"), List.of("mode=1777")));
    write(upper.resolve("scratch/t.txt"), "tmpfs");
    mount(new Mount("tmpfs", "tmpfs", upper.resolve("covered"), List.of()));
    write(upper.resolve("covered/over"), "tmpfs");
    // A file bind over a file the layer left unchanged.
    mount(Mount.bind(write(tmp.resolve("hosts"), "10.0.0.1 other\n"), upper.resolve("etc/hosts"), false));
  }

  private void mount(Mount mount) throws IOException {
    mounter.mount(mount);
    mounted.add(mount.target());
  }

  @AfterEach
  void unmount() throws IOException {
    for (int i = mounted.size() - 1; i >= 0; i--) {
      mounter.unmount(mounted.get(i));
    }
  }

  @Test
  public void changes_volumesMountedInView_listsLayerBeneathMountsOnly() throws IOException {
    List<String> changes = lines(new LayerDiffer().changes(Optional.of(lower), upper));

    assertEquals(List.of("A /covered", "A /covered/beneath", "A /new.txt", "A /scratch"), changes);
  }

  @Test
  public void writeDiff_volumesMountedInView_tarHoldsLayerMetadataNotMounts() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long bytes = new LayerDiffer().writeDiff(Optional.of(lower), upper, out);

    assertEquals(List.of("d covered/", "f covered/beneath", "f new.txt", "d scratch/"), listing(out.toByteArray()));
    assertEquals("layer".length() + "rootfs".length(), bytes);
    TarArchiveEntry scratch = entries(out.toByteArray()).get(3);
    assertEquals(0755, scratch.getMode());
    assertEquals(0, scratch.getLongUserId());
  }

  @Test
  public void diffSize_volumesMountedInView_countsLayerFilesOnly() throws IOException {
    assertEquals("layer".length() + "rootfs".length(), new LayerDiffer().diffSize(Optional.of(lower), upper));
  }

  @Test
  public void changes_baseLayerWithMountsBelow_addsLayerContentOnly() throws IOException {
    List<String> changes = lines(new LayerDiffer().changes(Optional.empty(), upper));

    assertEquals(List.of("A /covered", "A /covered/beneath", "A /data", "A /etc", "A /etc/hosts", "A /new.txt",
        "A /scratch"), changes);
  }

  @Test
  public void open_mountsBelow_readsCloneAndLeavesMountTableAsItWas() throws IOException {
    MountTable table = MountTable.self();
    List<Path> before = table.mountPointsUnder(tmp.toRealPath());
    UncoveredViews views = UncoveredViews.system();

    try (UncoveredView view = views.open(upper)) {
      assertTrue(view.cloned());
      assertTrue(Files.exists(view.path().resolve("covered/beneath")));
      assertFalse(Files.exists(view.path().resolve("covered/over")));
      assertEquals(before, table.mountPointsUnder(tmp.toRealPath()));
    }
  }

  @Test
  public void open_nothingMountedBelow_isTheDirectoryItself() throws IOException {
    try (UncoveredView view = UncoveredViews.system().open(lower)) {
      assertFalse(view.cloned());
      assertEquals(lower, view.path());
    }
  }
}
