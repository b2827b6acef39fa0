package dev.strata.tar;

import dev.strata.driver.Change;
import dev.strata.posix.DirectoryFd;
import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * Turns a walk into layer-tar entries and counts their content bytes. Added, modified and ancestor
 * entries are written in full; a deletion becomes an empty {@code .wh.NAME} file beside it; an
 * opaque directory gets {@code .wh..wh..opq} and no per-child whiteouts. The second path of an inode
 * with several links becomes a hardlink entry to the first path written (links to paths outside
 * the diff cannot be expressed, so the first path in the diff carries the content). Sockets are
 * skipped: tar cannot carry them (Docker skips them too).
 *
 * <p>Without a writer it only counts, which is how {@link LayerDiffer#diffSize} gets exactly the
 * number {@link LayerDiffer#writeDiff} returns.
 */
final class DiffEmitter implements DiffVisitor {

  static final String WHITEOUT_PREFIX = ".wh.";
  static final String OPAQUE_MARKER = ".wh..wh..opq";

  private static final System.Logger LOG = System.getLogger(DiffEmitter.class.getName());

  /** {@code null} when only counting. */
  private final WriteBehind tar;

  private final Map<InodeKey, String> firstPathOfInode = new HashMap<>();
  private long contentBytes;

  private record InodeKey(long dev, long ino) {}

  DiffEmitter(WriteBehind tar) {
    this.tar = tar;
  }

  /** Sum of the sizes of the regular files written with content; hardlink entries count 0. */
  long contentBytes() {
    return contentBytes;
  }

  @Override
  public void changed(String path, TreeEntry upper, Change.Kind kind) throws IOException {
    emit(path, upper);
  }

  @Override
  public void ancestor(String path, TreeEntry upper) throws IOException {
    emit(path, upper);
  }

  @Override
  public void deleted(String path, boolean coveredByOpaque) throws IOException {
    if (coveredByOpaque) {
      return;
    }
    int slash = path.lastIndexOf('/');
    String whiteout = path.substring(0, slash + 1) + WHITEOUT_PREFIX + path.substring(slash + 1);
    put(TarHeader.marker(whiteout), null);
  }

  /** The writer opens files by name in their directory: it closes the directory after them. */
  @Override
  public void release(DirectoryFd dir) {
    if (tar == null) {
      dir.close();
    } else {
      tar.release(dir);
    }
  }

  @Override
  public void opaque(String dir) throws IOException {
    put(TarHeader.marker(dir.isEmpty() ? OPAQUE_MARKER : dir + "/" + OPAQUE_MARKER), null);
  }

  private void emit(String path, TreeEntry entry) throws IOException {
    FileMeta m = entry.meta();
    if (m.type() == FileType.SOCKET) {
      LOG.log(Level.WARNING, "skipping socket {0}: a layer tar cannot hold sockets", entry.path());
      return;
    }
    if (!m.isDirectory() && m.nlink() > 1) {
      String first = firstPathOfInode.putIfAbsent(new InodeKey(m.dev(), m.ino()), path);
      if (first != null) {
        put(entry(path, TarHeader.HARDLINK, m, 0, first, Collections.emptySortedMap()), null);
        return;
      }
    }
    TarHeader e = switch (m.type()) {
      case DIRECTORY -> entry(path + "/", TarHeader.DIRECTORY, m, 0, "", m.xattrs());
      case REGULAR -> entry(path, TarHeader.REGULAR, m, m.size(), "", m.xattrs());
      case SYMLINK -> entry(path, TarHeader.SYMLINK, m, 0, m.linkTarget().orElseThrow(), m.xattrs());
      case CHAR_DEVICE -> entry(path, TarHeader.CHAR_DEVICE, m, 0, "", m.xattrs());
      case BLOCK_DEVICE -> entry(path, TarHeader.BLOCK_DEVICE, m, 0, "", m.xattrs());
      case FIFO -> entry(path, TarHeader.FIFO, m, 0, "", m.xattrs());
      case SOCKET -> throw new IllegalStateException("sockets are skipped above");
    };
    contentBytes += e.size();
    put(e, entry);
  }

  private static TarHeader entry(String name, char type, FileMeta m, long size, String link,
      SortedMap<String, byte[]> xattrs) {
    boolean device = m.type().isDevice();
    return new TarHeader(name, type, m.permissions(), m.uid(), m.gid(), size, m.mtime(), link,
        device ? FileNodes.major(m.rdev()) : 0, device ? FileNodes.minor(m.rdev()) : 0, xattrs);
  }

  private void put(TarHeader e, TreeEntry source) throws IOException {
    if (tar == null) {
      return;
    }
    tar.write(e, e.size() == 0 ? null : source);
  }
}
