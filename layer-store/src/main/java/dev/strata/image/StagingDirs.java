package dev.strata.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Scratch directories of archive work, {@code <root>/tmp/image-*}. They never outlive the
 * operation; what a crash leaves is deleted by {@link ImageStore#open}.
 */
final class StagingDirs {

  static final String PREFIX = "image-";

  private StagingDirs() {}

  static Path create(Path tmpRoot, String purpose) throws IOException {
    Files.createDirectories(tmpRoot);
    return Files.createTempDirectory(tmpRoot, PREFIX + purpose + "-");
  }
}
