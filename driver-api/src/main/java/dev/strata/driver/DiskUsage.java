package dev.strata.driver;

import dev.strata.posix.FileBlocks;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * What {@code du} would say of one layer directory: allocated bytes ({@code st_blocks * 512}, so
 * holes cost nothing) and inodes, each hardlinked inode counted once.
 */
public final class DiskUsage {

  private final FileBlocks blocks;

  public DiskUsage() {
    this(new FileBlocks());
  }

  DiskUsage(FileBlocks blocks) {
    this.blocks = blocks;
  }

  public Usage of(Path root) throws IOException {
    Set<Object> seen = new HashSet<>();
    long[] bytes = {0};
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        count(dir, attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        count(file, attrs);
        return FileVisitResult.CONTINUE;
      }

      private void count(Path p, BasicFileAttributes attrs) throws IOException {
        if (seen.add(attrs.fileKey())) {
          bytes[0] += blocks.allocatedBytes(p);
        }
      }
    });
    return new Usage(bytes[0], seen.size());
  }
}
