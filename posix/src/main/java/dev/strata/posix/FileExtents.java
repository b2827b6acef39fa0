package dev.strata.posix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file's data lies on disk, through {@code FS_IOC_FIEMAP}: one {@link Extent} per run of
 * data, holes left out. A reflinked copy shows as extents flagged {@link Extent#shared()}, which
 * is how a test tells a copy that really shares its source's blocks from one that silently fell
 * back to copying bytes.
 */
public final class FileExtents {

  /** {@code _IOWR('f', 11, struct fiemap)} from linux/fs.h; {@code struct fiemap} is 32 bytes. */
  static final long FS_IOC_FIEMAP = 0xC020660BL;
  /** Flush delayed allocations first, so that data just written has its extents. */
  private static final int FIEMAP_FLAG_SYNC = 0x1;
  private static final int FIEMAP_EXTENT_LAST = 0x1;
  private static final int FIEMAP_EXTENT_SHARED = 0x2000;
  private static final int HEADER = 32;
  private static final int EXTENT = 56;
  /** Extents asked for per call; a file with more takes several calls. */
  private static final int BATCH = 64;

  private final Ioctls ioctls = new Ioctls();

  /**
   * One run of a file's data.
   *
   * @param logical where in the file it starts
   * @param physical where on the device it starts (0 when the filesystem does not say)
   * @param length its length in bytes
   * @param flags {@code FIEMAP_EXTENT_*}
   */
  public record Extent(long logical, long physical, long length, int flags) {

    /** The blocks are shared with another file (a reflink or a snapshot): {@code FIEMAP_EXTENT_SHARED}. */
    public boolean shared() {
      return (flags & FIEMAP_EXTENT_SHARED) != 0;
    }
  }

  /**
   * The extents of the regular file {@code file}, in file order (symlinks are not followed).
   *
   * @throws PosixException with {@code EOPNOTSUPP} where the filesystem has no FIEMAP (tmpfs, for one)
   */
  public List<Extent> of(Path file) throws PosixException {
    List<Extent> extents = new ArrayList<>();
    long start = 0;
    while (true) {
      ByteBuffer request = ByteBuffer.allocate(HEADER + BATCH * EXTENT).order(ByteOrder.nativeOrder());
      request.putLong(0, start);
      request.putLong(8, -1L); // fm_length: to the end of the file, whatever its size (u64 max)
      request.putInt(16, FIEMAP_FLAG_SYNC);
      request.putInt(24, BATCH);
      byte[] arg = request.array();
      ioctls.ioctl(file, false, FS_IOC_FIEMAP, arg);
      ByteBuffer answer = ByteBuffer.wrap(arg).order(ByteOrder.nativeOrder());
      int mapped = answer.getInt(20);
      if (mapped == 0) {
        return extents;
      }
      for (int i = 0; i < mapped; i++) {
        int at = HEADER + i * EXTENT;
        Extent e = new Extent(answer.getLong(at), answer.getLong(at + 8), answer.getLong(at + 16), answer.getInt(at + 40));
        extents.add(e);
        if ((e.flags() & FIEMAP_EXTENT_LAST) != 0) {
          return extents;
        }
        start = e.logical() + e.length();
      }
    }
  }
}
