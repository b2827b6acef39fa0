package dev.strata.check;

import dev.strata.archive.Digest;
import dev.strata.container.ContainerStore;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.MountTable;
import dev.strata.image.Image;
import dev.strata.image.ImageId;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.LayerAudit;
import dev.strata.layer.LayerAudit.StoredLayer;
import dev.strata.layer.LayerAudit.StoredWriteLayer;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.layer.WriteLayer;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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

  public StoreCheck(LayerStoreConfig config, Mounter mounter, MountTable mountTable) {
    this.config = config;
    this.mounter = mounter;
    this.mountTable = mountTable;
  }

  /** Checks the root, repairing when {@code options.repair()}. */
  public CheckReport run(CheckOptions options) throws IOException {
    Path root = config.root();
    List<Path> mountsBefore = mountTable.mountPointsUnder(root);
    List<String> records = ContainerStore.recordNames(root);
    List<Path> leftovers = new ArrayList<>(trashAndStaging(root));
    try (LayerStore layers = LayerStore.openForAudit(config)) {
      LayerAudit audit = new LayerAudit(layers);
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
    private final List<Finding> findings = new ArrayList<>();
    private int verified;

    Run(Path root, LayerAudit audit, LayerStore layers, ImageStore images, VolumeStore volumes, CheckOptions options) {
      this.root = root;
      this.audit = audit;
      this.layers = layers;
      this.images = images;
      this.volumes = volumes;
      this.options = options;
    }

    CheckReport check(List<Path> mountsBefore, List<String> records, List<Path> leftovers) throws IOException {
      List<StoredLayer> stored = audit.layers();
      List<StoredWriteLayer> writeLayers = audit.writeLayers();
      List<Image> imageList = images.images();
      List<Volume> volumeList = volumes.list(VolumeFilter.all());
      Map<ChainId, StoredLayer> byChain = new HashMap<>();
      stored.forEach(l -> byChain.put(l.layer().chainId(), l));
      Set<String> containers = new TreeSet<>();
      writeLayers.forEach(w -> containers.add(w.writeLayer().container()));

      mounts(mountsBefore, writeLayers, volumeList);
      for (Path p : leftovers) {
        findings.add(Finding.of(FindingKind.LEFTOVER_STAGING, p.toString(),
            "left by an interrupted operation; nothing refers to it (--repair deletes it)"));
      }
      for (String cacheId : audit.unnamedDriverLayers()) {
        findings.add(Finding.of(FindingKind.ORPHAN_DRIVER_LAYER, cacheId, "driver layer " + cacheId
            + " is named by no layer record and no container (an interrupted register, commit or removal);"
            + " --repair deletes it"));
      }
      audit.damagedLayers().forEach(d -> findings.add(Finding.of(FindingKind.DAMAGED_LAYER_RECORD,
          d.chainId().toString(), d.problem() + "; remove the images that use it and load or pull them again")));
      layerFindings(stored, byChain, imageList);
      imageFindings(imageList, byChain);
      containerFindings(records, writeLayers, containers);
      volumeFindings(volumeList, writeLayers, containers);
      if (options.repair()) {
        new Repairs(root, audit, images, volumes, mounter, mountTable, layers).apply(findings);
      }
      Repairs.markSweptOnOpen(findings, mountTable);
      Retention retention = RetentionTable.build(audit.layers(), images.images(),
          layers.writeLayers(), volumes.list(VolumeFilter.all()), layers, volumes);
      return new CheckReport(findings, retention, options.repair(), verified);
    }

    private void mounts(List<Path> before, List<StoredWriteLayer> writeLayers, List<Volume> volumeList) throws IOException {
      MountSurvey survey = new MountSurvey(root, audit.driverHome(), writeLayers, volumeList);
      for (Path point : before) {
        if (!survey.accountedFor(point)) {
          findings.add(Finding.of(FindingKind.LEAKED_MOUNT, point.toString(),
              "mounted under the root, but no container or volume counts it, so nothing will unmount it;"
                  + " --repair unmounts it"));
        }
      }
      if (audit.realMounts()) {
        for (StoredWriteLayer w : writeLayers) {
          if (w.mountCount() > 0 && survey.viewMissing(w, before)) {
            findings.add(Finding.of(FindingKind.STALE_MOUNT_COUNT, w.writeLayer().container(),
                "container " + w.writeLayer().container() + " is counted as mounted " + w.mountCount()
                    + " time(s), but its root filesystem was not mounted; --repair drops the count"));
          }
        }
      }
    }

    private void layerFindings(List<StoredLayer> stored, Map<ChainId, StoredLayer> byChain, List<Image> imageList)
        throws IOException {
      Map<ChainId, Integer> expected = new HashMap<>();
      for (Image image : imageList) {
        image.top().ifPresent(top -> expected.merge(top, 1, Integer::sum));
      }
      List<StoredLayer> toVerify = new ArrayList<>();
      long total = 0;
      for (StoredLayer l : stored) {
        String id = l.layer().chainId().toString();
        if (!l.dataPresent()) {
          findings.add(Finding.of(FindingKind.MISSING_LAYER_DATA, id, "the driver has no data for layer " + id
              + " (driver id " + l.cacheId() + "); remove the images that use it and load or pull them again"));
        } else {
          toVerify.add(l);
          total += l.layer().size();
        }
        if (l.layer().parent().isPresent() && !byChain.containsKey(l.layer().parent().get())) {
          findings.add(Finding.of(FindingKind.BROKEN_PARENT, id, "layer " + id + " sits on "
              + l.layer().parent().get() + ", which is not in the store; remove the images that use it and load"
              + " or pull them again"));
        }
        int want = expected.getOrDefault(l.layer().chainId(), 0);
        if (l.references() != want) {
          findings.add(Finding.of(FindingKind.BAD_REFERENCE_COUNT, id, "layer " + id + " records "
              + l.references() + " reference(s), but " + want + " image(s) have it as their top layer;"
              + " --repair writes " + want + " (it never removes the layer)"));
        }
      }
      if (options.verifyContent()) {
        options.progress().start(total);
        for (StoredLayer l : toVerify) {
          verify(l);
        }
      }
    }

    private void verify(StoredLayer l) throws IOException {
      String id = l.layer().chainId().toString();
      try {
        Digest actual = audit.contentDigest(l.layer().chainId(), options.progress()::advance);
        verified++;
        if (!actual.equals(l.layer().diffId())) {
          findings.add(Finding.of(FindingKind.MODIFIED_LAYER, id, "the content of layer " + id + " hashes to "
              + actual + ", not its DiffID " + l.layer().diffId() + "; something changed its files; remove the"
              + " images that use it and load or pull them again (check never repairs this)"));
        }
      } catch (CorruptException e) {
        findings.add(Finding.of(FindingKind.MODIFIED_LAYER, id, e.getMessage()
            + "; remove the images that use it and load or pull them again (check never repairs this)"));
      }
    }

    private void imageFindings(List<Image> imageList, Map<ChainId, StoredLayer> byChain) throws IOException {
      for (Image image : imageList) {
        if (image.top().isPresent() && !byChain.containsKey(image.top().get())) {
          findings.add(Finding.of(FindingKind.DANGLING_IMAGE_LAYER, image.id().toString(), "image "
              + image.id().shortId() + " " + image.tags() + " has top layer " + image.top().get()
              + ", which is not in the store; remove it with `strata rmi --force` and load or pull it again"));
        }
      }
      for (Map.Entry<String, ImageId> tag : images.danglingTags().entrySet()) {
        findings.add(Finding.of(FindingKind.DANGLING_TAG, tag.getKey(), "tag " + tag.getKey() + " names image "
            + tag.getValue().shortId() + ", which is not in the store; --repair drops the tag"));
      }
    }

    private void containerFindings(List<String> records, List<StoredWriteLayer> writeLayers, Set<String> containers) {
      for (String name : records) {
        if (!containers.contains(name)) {
          findings.add(Finding.of(FindingKind.CONTAINER_WITHOUT_WRITE_LAYER, name, "container " + name
              + " has a record but no write layer (an interrupted rm); --repair drops the record and its"
              + " volume references"));
        }
      }
      for (StoredWriteLayer w : writeLayers) {
        String name = w.writeLayer().container();
        if (!records.contains(name)) {
          findings.add(Finding.of(FindingKind.WRITE_LAYER_WITHOUT_RECORD, name, "container " + name
              + " has a write layer but no record (an interrupted create); inspect it with `strata diff "
              + name + "` and remove it with `strata rm " + name + "`"));
        }
        if (!w.dataPresent()) {
          findings.add(Finding.of(FindingKind.MISSING_LAYER_DATA, name, "the driver has no write or init layer"
              + " for container " + name + " (" + w.writeLayer().mountId() + "); remove it with `strata rm "
              + name + "`"));
        }
      }
    }

    private void volumeFindings(List<Volume> volumeList, List<StoredWriteLayer> writeLayers, Set<String> containers) {
      Map<String, Integer> counts = new HashMap<>();
      writeLayers.forEach(w -> counts.put(w.writeLayer().container(), w.mountCount()));
      for (Volume v : volumeList) {
        for (String ref : v.references()) {
          if (!containers.contains(ref)) {
            findings.add(Finding.of(FindingKind.VOLUME_REFERENCE_TO_MISSING_CONTAINER, v.name() + "/" + ref,
                "volume " + v.name() + " is referenced by container " + ref + ", which does not exist;"
                    + " --repair drops the reference"));
          }
        }
        for (String id : v.mounts()) {
          if (counts.getOrDefault(id, 0) == 0) {
            findings.add(Finding.of(FindingKind.STALE_MOUNT_COUNT, v.name() + "/" + id, "volume " + v.name()
                + " counts a mount by " + id + ", which is not a mounted container; --repair drops it"));
          }
        }
      }
    }
  }
}
