package dev.strata.usage;

import java.util.List;
import java.util.Objects;

/**
 * Where a store's disk goes, as {@code docker system df} reports it. Every size is content bytes:
 * the sizes of regular files, as a layer's tar carries them and as the store records them at
 * register and commit; directories, metadata and filesystem blocks are not counted.
 *
 * <ul>
 *   <li>{@code images}: active = used by at least one container; size = every layer of every image,
 *       a layer shared by several images counted once; reclaimable = the layers only unused images
 *       use.
 *   <li>{@code containers}: active = mounted (Strata runs nothing, so a mounted root filesystem is
 *       the nearest thing to Docker's running container); size = their write layers' content;
 *       reclaimable = the write layers of unmounted containers.
 *   <li>{@code volumes}: active = referenced by at least one container; size = their data's
 *       content; reclaimable = the data of unreferenced volumes.
 * </ul>
 *
 * @param images the images' row
 * @param containers the containers' row
 * @param volumes the local volumes' row
 * @param imageList each image, newest first
 * @param containerList each container, by name
 * @param volumeList each volume, by name
 */
public record UsageReport(Totals images, Totals containers, Totals volumes, List<ImageUsage> imageList,
    List<ContainerUsage> containerList, List<VolumeUsage> volumeList) {

  public UsageReport {
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(containers, "containers");
    Objects.requireNonNull(volumes, "volumes");
    imageList = List.copyOf(imageList);
    containerList = List.copyOf(containerList);
    volumeList = List.copyOf(volumeList);
  }
}
