package dev.strata.check;

import java.util.List;

/**
 * Why each byte is kept: every layer with what holds it, every container's write layer, every
 * volume with the containers referencing it, and totals.
 *
 * @param layers read-only layers, bottom first
 * @param containers write layers with the bytes their container wrote
 * @param volumes volumes with their size and the containers that reference them
 */
public record Retention(List<LayerHolders> layers, List<ContainerBytes> containers, List<VolumeHolders> volumes,
    Totals totals) {

  public Retention {
    layers = List.copyOf(layers);
    containers = List.copyOf(containers);
    volumes = List.copyOf(volumes);
  }

  /** An image holding a layer: it is the image's top layer or beneath it. */
  public record ImageHolder(String id, List<String> tags) {
    public ImageHolder {
      tags = List.copyOf(tags);
    }
  }

  /**
   * A layer and what keeps it: images whose stack contains it, containers created on a stack that
   * contains it, and its child layers.
   */
  public record LayerHolders(String chainId, long size, int references, List<ImageHolder> images,
      List<String> containers, List<String> children) {
    public LayerHolders {
      images = List.copyOf(images);
      containers = List.copyOf(containers);
      children = List.copyOf(children);
    }

    public boolean held() {
      return !images.isEmpty() || !containers.isEmpty();
    }
  }

  /** A container's write layer and its bytes. */
  public record ContainerBytes(String container, String image, long size) {}

  /** A volume, its size, and the containers that reference it. */
  public record VolumeHolders(String name, long size, List<String> containers) {
    public VolumeHolders {
      containers = List.copyOf(containers);
    }
  }

  /**
   * Bytes by holder: layers in some image's stack, layers only under containers plus what the
   * containers wrote, volumes, and bytes nothing holds (layers of no image or container, volumes of
   * no container).
   */
  public record Totals(long images, long containers, long volumes, long unreferenced) {}
}
