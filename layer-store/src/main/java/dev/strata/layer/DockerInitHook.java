package dev.strata.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The placeholders Docker's daemon puts in every init layer, so bind mounts of the runtime's own
 * files have something to land on. Existing files (or symlinks) of the image are left alone.
 */
final class DockerInitHook implements InitHook {

  @Override
  public void populate(Path root) throws IOException {
    Files.createDirectories(root.resolve("etc"));
    for (String file : new String[] {"etc/hosts", "etc/hostname", "etc/resolv.conf", ".dockerenv"}) {
      Path p = root.resolve(file);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        Files.createFile(p);
      }
    }
  }
}
