package dev.strata.usage;

import dev.strata.container.Container;
import dev.strata.container.ContainerStore;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.ImageId;
import dev.strata.image.ImageStore;
import dev.strata.layer.ChainId;
import dev.strata.layer.Layer;
import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code strata system df}: where a store's disk goes, by images, containers and volumes (see
 * {@link UsageReport} for what each figure means).
 *
 * <p>Images are answered from records: the size the layer store recorded for each layer when it was
 * registered or committed, so no layer is read however many there are. Volumes are answered from
 * the figure the volume store keeps, counted when a volume's last mount ends ({@link
 * VolumeStore#contentSize}). An unmounted container's write layer is counted once and kept until
 * its next mount ({@link ContainerStore#writeLayerSize}); only a mounted one is measured on each
 * call (its diff size), since whatever runs in it writes without the store knowing.
 *
 * <pre>{@code
 * UsageReport df = new StoreUsage(images, containers, volumes).report();
 * long freed = df.images().reclaimableBytes(); // what removing every unused image would free
 * }</pre>
 */
public final class StoreUsage {

  private final ImageStore images;
  private final ContainerStore containers;
  private final VolumeStore volumes;

  public StoreUsage(ImageStore images, ContainerStore containers, VolumeStore volumes) {
    this.images = images;
    this.containers = containers;
    this.volumes = volumes;
  }

  /**
   * The figures as they stand. Things removed by another process while the report is made are left
   * out; things added meanwhile may or may not be in it.
   */
  public UsageReport report() throws IOException {
    List<Container> all = containers.list();
    ImageTally.Result imageFigures = imageFigures(all);

    List<ContainerUsage> containerRows = new ArrayList<>();
    int mounted = 0;
    long containerBytes = 0;
    long unmountedBytes = 0;
    for (Container c : all) {
      Optional<Long> size = writeLayerSize(c);
      int mounts;
      try {
        mounts = containers.mountCount(c);
      } catch (NotFoundException removed) {
        continue;
      }
      if (size.isEmpty()) {
        continue;
      }
      containerRows.add(new ContainerUsage(c.name(), List.of(c.name()), c.imageRef(), size.get(), c.created()));
      containerBytes += size.get();
      if (mounts > 0) {
        mounted++;
      } else {
        unmountedBytes += size.get();
      }
    }

    List<VolumeUsage> volumeRows = new ArrayList<>();
    int linked = 0;
    long volumeBytes = 0;
    long unlinkedBytes = 0;
    for (Volume v : volumes.list(VolumeFilter.all())) {
      long size;
      try {
        size = volumes.contentSize(v.name());
      } catch (NotFoundException removed) {
        continue;
      }
      volumeRows.add(new VolumeUsage(v.name(), v.references().size(), size));
      volumeBytes += size;
      if (v.references().isEmpty()) {
        unlinkedBytes += size;
      } else {
        linked++;
      }
    }
    return new UsageReport(imageFigures.totals(),
        new Totals(containerRows.size(), mounted, containerBytes, unmountedBytes),
        new Totals(volumeRows.size(), linked, volumeBytes, unlinkedBytes),
        imageFigures.images(), containerRows, volumeRows);
  }

  /**
   * The images' rows of {@link #report} alone (size, shared and unique size, containers), from the
   * records only: no write layer or volume is measured.
   */
  public List<ImageUsage> images() throws IOException {
    return imageFigures(containers.list()).images();
  }

  private ImageTally.Result imageFigures(List<Container> all) throws IOException {
    Map<ImageId, Integer> containersByImage = new HashMap<>();
    for (Container c : all) {
      c.image().ifPresent(id -> containersByImage.merge(id, 1, Integer::sum));
    }
    Map<ChainId, Long> layerSizes = new HashMap<>();
    for (Layer layer : images.layerStore().layers()) {
      layerSizes.put(layer.chainId(), layer.size());
    }
    return ImageTally.of(images.images(), layerSizes, containersByImage);
  }

  /** Empty when another process removed the container after the listing. */
  private Optional<Long> writeLayerSize(Container c) throws IOException {
    try {
      return Optional.of(containers.writeLayerSize(c));
    } catch (NotFoundException removed) {
      return Optional.empty();
    }
  }
}
