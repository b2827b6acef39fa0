package dev.strata.driver;

/** Disk used by one layer's own content (not its parents'): bytes allocated and inodes. */
public record Usage(long bytes, long inodes) {

  public Usage {
    if (bytes < 0 || inodes < 0) {
      throw new IllegalArgumentException("negative usage: " + bytes + " bytes, " + inodes + " inodes");
    }
  }
}
