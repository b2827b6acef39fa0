package dev.strata.usage;

import java.util.Objects;

/**
 * One volume's share of the disk.
 *
 * @param name the volume's name
 * @param links how many containers reference it
 * @param sizeBytes content bytes of its data as last counted ({@code VolumeStore#contentSize})
 */
public record VolumeUsage(String name, int links, long sizeBytes) {

  public VolumeUsage {
    Objects.requireNonNull(name, "name");
    if (links < 0 || sizeBytes < 0) {
      throw new IllegalArgumentException("volume " + name + ": bad figures: links " + links + ", size " + sizeBytes);
    }
  }
}
