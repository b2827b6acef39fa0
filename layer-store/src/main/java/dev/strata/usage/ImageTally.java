package dev.strata.usage;

import dev.strata.image.Image;
import dev.strata.image.ImageId;
import dev.strata.image.Reference;
import dev.strata.layer.ChainId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The images' figures from records alone: each image's layers (by ChainID) and each layer's
 * recorded size. A layer shared by images is one set of files on disk, so it counts once in the
 * total, as shared in each image that has it, and as reclaimable only when no image in use has it.
 */
final class ImageTally {

  private ImageTally() {}

  record Result(Totals totals, List<ImageUsage> images) {}

  /**
   * @param images every image
   * @param layerSizes each layer's recorded size; a layer missing here (removed meanwhile) counts 0
   * @param containersByImage how many containers each image has
   */
  static Result of(List<Image> images, Map<ChainId, Long> layerSizes, Map<ImageId, Integer> containersByImage) {
    Map<ChainId, Integer> imagesUsing = new HashMap<>();
    List<List<ChainId>> stacks = new ArrayList<>(images.size());
    for (Image image : images) {
      List<ChainId> stack = image.chainIds();
      stacks.add(stack);
      for (ChainId layer : stack) {
        imagesUsing.merge(layer, 1, Integer::sum);
      }
    }
    Set<ChainId> used = new HashSet<>();
    List<ImageUsage> rows = new ArrayList<>(images.size());
    int active = 0;
    for (int i = 0; i < images.size(); i++) {
      Image image = images.get(i);
      int containers = containersByImage.getOrDefault(image.id(), 0);
      long size = 0;
      long shared = 0;
      for (ChainId layer : stacks.get(i)) {
        long bytes = layerSizes.getOrDefault(layer, 0L);
        size += bytes;
        if (imagesUsing.get(layer) > 1) {
          shared += bytes;
        }
        if (containers > 0) {
          used.add(layer);
        }
      }
      if (containers > 0) {
        active++;
      }
      rows.add(new ImageUsage(image.id().toString(), image.tags().stream().map(Reference::toString).toList(),
          image.created(), size, shared, size - shared, containers));
    }
    long total = 0;
    long reclaimable = 0;
    for (ChainId layer : imagesUsing.keySet()) {
      long bytes = layerSizes.getOrDefault(layer, 0L);
      total += bytes;
      if (!used.contains(layer)) {
        reclaimable += bytes;
      }
    }
    return new Result(new Totals(images.size(), active, total, reclaimable), rows);
  }
}
