package dev.strata.files;

import dev.strata.posix.FileBlocks;
import dev.strata.posix.FileCopy;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies one regular file's bytes into an existing empty file, keeping holes: a reflink shares
 * extents, {@code copy_file_range} is used for dense files only (on ext4 it fills holes), and a
 * sparse file is copied block by block, seeking over blocks of zeros. Package-private: callers
 * choose a {@link CopyMethod}, {@link TreeCopy} does the rest.
 */
final class ContentCopy {

  private static final int BLOCK = 64 * 1024;

  private final CopyMethod preferred;
  private final FileCopy copy;
  private final FileBlocks blocks;

  ContentCopy(CopyMethod preferred, FileCopy copy, FileBlocks blocks) {
    this.preferred = preferred;
    this.copy = copy;
    this.blocks = blocks;
  }

  CopyMethod method() {
    return preferred;
  }

  void copy(Path src, Path dst, long size) throws IOException {
    if (size == 0) {
      return;
    }
    if (preferred == CopyMethod.REFLINK && attempt(() -> copy.reflink(src, dst))) {
      return;
    }
    boolean sparse = blocks.allocatedBytes(src) < size;
    if (!sparse
        && preferred != CopyMethod.READ_WRITE
        && attempt(() -> copy.copyRange(src, dst, size))) {
      return;
    }
    copySkippingZeros(src, dst);
  }

  private interface Attempt {
    void run() throws PosixException;
  }

  /** False when the kernel refused this pair (cross-device, unsupported); the caller falls back. */
  private static boolean attempt(Attempt attempt) throws PosixException {
    try {
      attempt.run();
      return true;
    } catch (PosixException e) {
      int errno = e.errno();
      if (errno == PosixException.EXDEV
          || errno == PosixException.EOPNOTSUPP
          || errno == PosixException.EINVAL
          || errno == PosixException.ENOSYS) {
        return false;
      }
      throw e;
    }
  }

  /** Plain copy that leaves a hole wherever the source has a block of zeros. */
  static void copySkippingZeros(Path src, Path dst) throws IOException {
    try (FileChannel in = FileChannel.open(src, StandardOpenOption.READ);
        RandomAccessFile target = new RandomAccessFile(dst.toFile(), "rw")) {
      FileChannel out = target.getChannel();
      ByteBuffer buf = ByteBuffer.allocate(BLOCK);
      long position = 0;
      while (true) {
        buf.clear();
        int n = in.read(buf, position);
        if (n < 0) {
          break;
        }
        buf.flip();
        if (!allZero(buf)) {
          while (buf.hasRemaining()) {
            out.write(buf, position + buf.position());
          }
        }
        position += n;
      }
      // ftruncate: trailing zero blocks become a hole, and a longer target is cut back.
      target.setLength(position);
    }
  }

  private static boolean allZero(ByteBuffer buf) {
    for (int i = buf.position(); i < buf.limit(); i++) {
      if (buf.get(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
