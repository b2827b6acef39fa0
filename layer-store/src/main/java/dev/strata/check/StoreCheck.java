package dev.strata.check;

import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.files.MountTable;
import dev.strata.image.ImageStore;
import dev.strata.layer.LayerAudit;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code strata check}: joins the layer records, the driver's layers, images and tags, container
 * records, volumes and the mount table of one root; re-hashes every layer against its DiffID;
 * reports what is inconsistent and, asked to, repairs what can be repaired without losing data.
 *
 * <h2>What it sees</h2>
 * The mount table and the staging directories are read before anything is opened. The layer store
 * is opened with {@link LayerStore#openForAudit}, so driver layers no record names and
 * {@code tmp/} leftovers are reported rather than silently swept. Opening the graph driver, the
 * image store and the volume store still runs their own crash recovery, as every {@code strata}
 * command does: stale views under the driver's home are unmounted (counted ones mounted again),
 * {@code tmp/image-*} and {@code volumes/.staging-*}/{@code .trash-*} are swept. What that recovery
 * removed was seen beforehand and is reported as found, and as repaired "on open".
 * Container records are read without opening the container store; only a repair opens it.
 *
 * <h2>Repairs</h2>
 * Only what loses no data: leaked mounts are unmounted, orphan driver layers and leftovers
 * deleted, reference counts rewritten (a layer is never removed by it), dangling tags dropped,
 * container records without a write layer and volume references of missing containers dropped,
 * stale mount counts dropped. Modified or missing layer data and write layers without a record
 * are reported only.
 */
public final class StoreCheck {

  private final LayerStoreConfig config;
  private final Mounter mounter;
  private final MountTable mountTable;

  public StoreCheck(LayerStoreConfig config, Mounter mounter) {
    this(config, mounter, MountTable.self());
  }

  /** With the mount table read from {@code mountTable}, for tests that fake one. */
  StoreCheck(LayerStoreConfig config, Mounter mounter, MountTable mountTable) {
    this.config = config;
    this.mounter = mounter;
    this.mountTable = mountTable;
  }

  /**
   * Checks the root, repairing when {@code options.repair()}, while no other process has it open.
   *
   * @throws dev.strata.driver.error.FailedPreconditionException when other processes are using it
   */
  public CheckReport run(CheckOptions options) throws IOException {
    Files.createDirectories(config.root());
    return LayerStore.auditAlone(config.root(), () -> runAlone(options));
  }

  private CheckReport runAlone(CheckOptions options) throws IOException {
    Path root = config.root();
    List<Path> mountsBefore = mountTable.mountPointsUnder(root);
    List<String> records = ContainerStore.recordNames(root);
    List<Path> leftovers = new ArrayList<>(trashAndStaging(root));
    try (LayerStore layers = LayerStore.openForAudit(config)) {
      LayerAudit audit = layers.audit();
      leftovers.addAll(0, audit.leftovers());
      ImageStore images = ImageStore.open(layers);
      try (VolumeStore volumes = VolumeStore.open(root, mounter)) {
        Run run = new Run(root, audit, layers, images, volumes, options);
        return run.check(mountsBefore, records, leftovers);
      } finally {
        images.close();
      }
    }
  }

  // Prefixes of the volume and container stores' staging and trash names (VolumeFiles, ContainerFiles).
  private static List<Path> trashAndStaging(Path root) throws IOException {
    List<Path> found = new ArrayList<>();
    for (Path dir : List.of(root.resolve("volumes"), root.resolve("containers"))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "{.staging-,.trash-}*")) {
        entries.forEach(found::add);
      }
    }
    return found;
  }

  /** One run: the stores open, findings gathered, then repaired. */
  private final class Run {
    private final Path root;
    private final LayerAudit audit;
    private final LayerStore layers;
    private final ImageStore images;
    private final VolumeStore volumes;
    private final CheckOptions options;

    Run(Path root, LayerAudit audit, LayerStore layers, ImageStore images, VolumeStore volumes, CheckOptions options) {
      this.root = root;
      this.audit = audit;
      this.layers = layers;
      this.images = images;
      this.volumes = volumes;
      this.options = options;
    }

    CheckReport check(List<Path> mountsBefore, List<String> records, List<Path> leftovers) throws IOException {
      StoreState state = new StoreState(audit.layers(), audit.damagedLayers(), audit.writeLayers(),
          images.images(), volumes.list(VolumeFilter.all()), records);
      List<Finding> findings = new ArrayList<>(MountChecks.findings(root, audit, mountsBefore, state));
      for (Path p : leftovers) {
        findings.add(Finding.of(FindingKind.LEFTOVER_STAGING, p.toString(),
            "left by an interrupted operation; nothing refers to it (--repair deletes it)"));
      }
      LayerChecks layerChecks = new LayerChecks(audit, options);
      findings.addAll(layerChecks.findings(state));
      findings.addAll(ImageChecks.findings(state, images.danglingTags()));
      findings.addAll(ContainerChecks.findings(state));
      findings.addAll(VolumeChecks.findings(state));
      if (options.repair()) {
        new Repairs(root, audit, images, volumes, mounter, mountTable, layers).apply(findings);
      }
      Repairs.markSweptOnOpen(findings, mountTable);
      Retention retention = RetentionTable.build(audit.layers(), images.images(),
          layers.writeLayers().list(), volumes.list(VolumeFilter.all()), layers.writeLayers(), volumes);
      return new CheckReport(findings, retention, options.repair(), layerChecks.verified());
    }
  }
}
