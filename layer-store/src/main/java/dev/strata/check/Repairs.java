package dev.strata.check;

import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.files.FileTrees;
import dev.strata.files.MountTable;
import dev.strata.image.Image;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerAudit;
import dev.strata.layer.LayerStore;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fixes the findings that can be fixed without losing data, in an order where each step can
 * succeed: mounts come down before the directories under them go, leftovers and orphans go
 * before counts are rewritten, container records before the volume references they hold.
 */
final class Repairs {

  private static final System.Logger LOG = System.getLogger(Repairs.class.getName());

  private final Path root;
  private final LayerAudit audit;
  private final ImageStore images;
  private final VolumeStore volumes;
  private final Mounter mounter;
  private final MountTable mountTable;
  private final LayerStore layers;

  Repairs(Path root, LayerAudit audit, ImageStore images, VolumeStore volumes, Mounter mounter, MountTable mountTable,
      LayerStore layers) {
    this.root = root;
    this.audit = audit;
    this.images = images;
    this.volumes = volumes;
    this.mounter = mounter;
    this.mountTable = mountTable;
    this.layers = layers;
  }

  void apply(List<Finding> findings) throws IOException {
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.kind() == FindingKind.LEAKED_MOUNT && mounted(Path.of(f.subject()))) {
        mounter.unmount(Path.of(f.subject()));
        findings.set(i, f.repaired("unmounted"));
      }
    }
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.kind() == FindingKind.LEFTOVER_STAGING) {
        Path p = Path.of(f.subject());
        if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && mountTable.mountPointsUnder(p).isEmpty()) {
          FileTrees.delete(p);
        }
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          findings.set(i, f.repaired("deleted"));
        }
      }
    }
    if (has(findings, FindingKind.ORPHAN_DRIVER_LAYER)) {
      removeOrphans(findings);
    }
    if (has(findings, FindingKind.DANGLING_TAG)) {
      images.dropDanglingTags();
      replaceAll(findings, FindingKind.DANGLING_TAG, "dropped the tag");
    }
    if (has(findings, FindingKind.BAD_REFERENCE_COUNT)) {
      Map<ChainId, Integer> expected = new HashMap<>();
      for (Image image : images.images()) {
        image.top().ifPresent(top -> expected.merge(top, 1, Integer::sum));
      }
      for (int i = 0; i < findings.size(); i++) {
        Finding f = findings.get(i);
        if (f.kind() == FindingKind.BAD_REFERENCE_COUNT) {
          int want = expected.getOrDefault(ChainId.parse(f.subject()), 0);
          audit.setReferences(ChainId.parse(f.subject()), want);
          findings.set(i, f.repaired("set the reference count to " + want));
        }
      }
    }
    if (has(findings, FindingKind.CONTAINER_WITHOUT_WRITE_LAYER)) {
      // Opening the container store drops such records and the volume references they hold.
      ContainerStore.open(root, layers, images, volumes, mounter);
      List<String> records = ContainerStore.recordNames(root);
      for (int i = 0; i < findings.size(); i++) {
        Finding f = findings.get(i);
        if (f.kind() == FindingKind.CONTAINER_WITHOUT_WRITE_LAYER && !records.contains(f.subject())) {
          findings.set(i, f.repaired("dropped the record and its volume references"));
        }
      }
    }
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.kind() == FindingKind.VOLUME_REFERENCE_TO_MISSING_CONTAINER) {
        String[] parts = f.subject().split("/", 2);
        volumes.release(parts[0], parts[1]);
        findings.set(i, f.repaired("dropped the reference"));
      } else if (f.kind() == FindingKind.STALE_MOUNT_COUNT) {
        if (f.subject().contains("/")) {
          String[] parts = f.subject().split("/", 2);
          volumes.unmount(parts[0], parts[1]);
          findings.set(i, f.repaired("dropped the volume's mount by " + parts[1]));
        } else {
          audit.clearMountCount(f.subject());
          findings.set(i, f.repaired("dropped the mount count and unmounted the root filesystem"));
        }
      }
    }
  }

  private void removeOrphans(List<Finding> findings) throws IOException {
    if (audit.unnamedUnsafeToRemove()) {
      LOG.log(Level.WARNING, "not deleting orphan driver layers: a damaged layer record does not say which"
          + " driver layer is its, and it may be one of them");
      return;
    }
    Set<String> candidates = new HashSet<>();
    findings.stream().filter(f -> f.kind() == FindingKind.ORPHAN_DRIVER_LAYER).forEach(f -> candidates.add(f.subject()));
    Set<String> removed = audit.removeUnnamedDriverLayers(candidates);
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.kind() == FindingKind.ORPHAN_DRIVER_LAYER && removed.contains(f.subject())) {
        findings.set(i, f.repaired("deleted the driver layer"));
      }
    }
  }

  /**
   * Marks what the stores' own recovery took away while opening (stale views under the driver's
   * home, swept staging) as repaired on open, so the report says where it went.
   */
  static void markSweptOnOpen(List<Finding> findings, MountTable mountTable) throws IOException {
    for (int i = 0; i < findings.size(); i++) {
      Finding f = findings.get(i);
      if (f.isRepaired()) {
        continue;
      }
      Path p = Path.of(f.subject());
      if (f.kind() == FindingKind.LEFTOVER_STAGING && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        findings.set(i, f.repaired("swept when the store opened (as every strata command does)"));
      } else if (f.kind() == FindingKind.LEAKED_MOUNT && !mounted(mountTable, p)) {
        findings.set(i, f.repaired("unmounted when the store opened (as every strata command does)"));
      }
    }
  }

  private boolean mounted(Path p) throws IOException {
    return mounted(mountTable, p);
  }

  private static boolean mounted(MountTable table, Path p) throws IOException {
    return p.getParent() != null && table.mountPointsUnder(p.getParent()).contains(p);
  }

  private static boolean has(List<Finding> findings, FindingKind kind) {
    return findings.stream().anyMatch(f -> f.kind() == kind && !f.isRepaired());
  }

  private static void replaceAll(List<Finding> findings, FindingKind kind, String action) {
    for (int i = 0; i < findings.size(); i++) {
      if (findings.get(i).kind() == kind) {
        findings.set(i, findings.get(i).repaired(action));
      }
    }
  }
}
