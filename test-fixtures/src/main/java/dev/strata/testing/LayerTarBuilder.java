package dev.strata.testing;

import dev.strata.posix.FileNodes;
import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import dev.strata.posix.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * A layer described as a list of tar entries, turned two ways: into a layer tar ({@link #build})
 * for the code under test, and into the same operations on a plain directory ({@link #applyTo})
 * for the flat reference tree a layer's view is compared with. Entries are written in the order
 * they are added, nothing implied (no parent directories, no end-of-layer padding beyond the
 * format's); the modifiers ({@link #owner}, {@link #mtime}, {@link #xattr}) change the last entry.
 *
 * <pre>{@code
 * byte[] tar = new LayerTarBuilder()
 *     .dir("etc", 0755)
 *     .file("etc/motd", "hello", 0644).owner(1, 2)
 *     .whiteout("etc/issue")
 *     .opaque("var/cache")
 *     .build();
 * }</pre>
 *
 * <p>The tar is written the way Docker writes one: commons-compress with PAX headers for long
 * names, big numbers, non-ASCII names and xattrs ({@code SCHILY.xattr.}), UTF-8 names; {@link
 * #gnuLongNames()} switches long names to GNU {@code L}/{@code K} entries instead. Every entry has
 * an explicit mode and {@link #DEFAULT_MTIME}, so the same description always gives the same bytes.
 * Tars no well-behaved writer produces (bad checksums, names with NUL, base-256 sizes, truncation)
 * are {@link RawTar}'s job.
 *
 * <p>{@link #namesAsBytes()} takes every name and link target as a raw string ({@link RawNames}:
 * one char per byte), for names that are not UTF-8; they are written as Go's writer (and so Docker)
 * writes them, in PAX {@code path}/{@code linkpath} records holding the bytes, or with {@link
 * #gnuLongNames()} as GNU tar does, in the ustar fields and GNU long-name entries.
 */
public final class LayerTarBuilder {

  /** The mtime of every entry unless {@link #mtime} says otherwise: whole seconds, long ago. */
  public static final Instant DEFAULT_MTIME = Instant.parse("2021-03-04T05:06:07Z");

  private enum Kind { DIR, FILE, SYMLINK, HARDLINK, FIFO, CHAR, BLOCK, WHITEOUT, OPAQUE }

  private static final class Entry {
    final Kind kind;
    final String path;
    final int mode;
    byte[] content = new byte[0];
    String link = "";
    int major;
    int minor;
    int uid;
    int gid;
    Instant mtime = DEFAULT_MTIME;
    final Map<String, String> xattrs = new LinkedHashMap<>();

    Entry(Kind kind, String path, int mode) {
      this.kind = kind;
      this.path = path;
      this.mode = mode;
    }
  }

  private final List<Entry> entries = new ArrayList<>();
  private boolean gnuLongNames;
  private boolean namesAsBytes;

  /** Every name and link target given from now on, and before, is a raw string: see the class. */
  public LayerTarBuilder namesAsBytes() {
    namesAsBytes = true;
    return this;
  }

  /** A directory; {@code path} without the trailing slash, which the tar name gets. */
  public LayerTarBuilder dir(String path, int mode) {
    return add(new Entry(Kind.DIR, path, mode));
  }

  public LayerTarBuilder file(String path, String content, int mode) {
    return file(path, content.getBytes(StandardCharsets.UTF_8), mode);
  }

  public LayerTarBuilder file(String path, byte[] content, int mode) {
    Entry e = new Entry(Kind.FILE, path, mode);
    e.content = content.clone();
    return add(e);
  }

  public LayerTarBuilder symlink(String path, String target) {
    Entry e = new Entry(Kind.SYMLINK, path, 0777);
    e.link = target;
    return add(e);
  }

  /** A hard link at {@code path} to the entry {@code target} (a path inside the layer). */
  public LayerTarBuilder hardlink(String path, String target) {
    Entry e = new Entry(Kind.HARDLINK, path, 0);
    e.link = target;
    return add(e);
  }

  public LayerTarBuilder fifo(String path, int mode) {
    return add(new Entry(Kind.FIFO, path, mode));
  }

  public LayerTarBuilder charDevice(String path, int mode, int major, int minor) {
    Entry e = new Entry(Kind.CHAR, path, mode);
    e.major = major;
    e.minor = minor;
    return add(e);
  }

  public LayerTarBuilder blockDevice(String path, int mode, int major, int minor) {
    Entry e = new Entry(Kind.BLOCK, path, mode);
    e.major = major;
    e.minor = minor;
    return add(e);
  }

  /** Hides {@code path} of the lower layers: an empty entry {@code .wh.<name>} beside it. */
  public LayerTarBuilder whiteout(String path) {
    return add(new Entry(Kind.WHITEOUT, path, 0644));
  }

  /** Hides everything of the lower layers inside {@code dir}: an entry {@code dir/.wh..wh..opq}. */
  public LayerTarBuilder opaque(String dir) {
    return add(new Entry(Kind.OPAQUE, dir, 0644));
  }

  public LayerTarBuilder owner(int uid, int gid) {
    Entry e = last();
    e.uid = uid;
    e.gid = gid;
    return this;
  }

  public LayerTarBuilder mtime(Instant mtime) {
    last().mtime = mtime;
    return this;
  }

  /** An extended attribute of the last entry (a PAX {@code SCHILY.xattr.} record); ASCII values. */
  public LayerTarBuilder xattr(String name, String value) {
    last().xattrs.put(name, value);
    return this;
  }

  /**
   * Names and link targets of 100 bytes or more as GNU long-name entries ({@code ././@LongLink},
   * type {@code L} or {@code K}) instead of PAX {@code path}/{@code linkpath}; no PAX header is
   * written for a name at all, so a reader must understand the GNU form alone.
   */
  public LayerTarBuilder gnuLongNames() {
    gnuLongNames = true;
    return this;
  }

  /** The uncompressed layer tar. */
  public byte[] build() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    String encoding = (namesAsBytes ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8).name();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, encoding)) {
      tar.setLongFileMode(gnuLongNames ? TarArchiveOutputStream.LONGFILE_GNU : TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      tar.setAddPaxHeadersForNonAsciiNames(!gnuLongNames && !namesAsBytes);
      for (Entry e : entries) {
        TarArchiveEntry header = header(e);
        if (namesAsBytes && !gnuLongNames) {
          rawPaxNames(tar, header);
        }
        tar.putArchiveEntry(header);
        if (e.kind == Kind.FILE) {
          tar.write(e.content);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a tar to memory", e);
    }
    return bytes.toByteArray();
  }

  public InputStream stream() {
    return new ByteArrayInputStream(build());
  }

  /** The layer tar, gzip-compressed as {@link LayerCompression#GZIP} does it. */
  public byte[] buildGzip() {
    return LayerCompression.GZIP.compress(build());
  }

  private static TarArchiveEntry header(Entry e) {
    TarArchiveEntry t = switch (e.kind) {
      case DIR -> new TarArchiveEntry(e.path + "/", TarConstants.LF_DIR);
      case FILE -> new TarArchiveEntry(e.path, TarConstants.LF_NORMAL);
      case SYMLINK -> new TarArchiveEntry(e.path, TarConstants.LF_SYMLINK);
      case HARDLINK -> new TarArchiveEntry(e.path, TarConstants.LF_LINK);
      case FIFO -> new TarArchiveEntry(e.path, TarConstants.LF_FIFO);
      case CHAR -> new TarArchiveEntry(e.path, TarConstants.LF_CHR);
      case BLOCK -> new TarArchiveEntry(e.path, TarConstants.LF_BLK);
      case WHITEOUT -> new TarArchiveEntry(whiteoutName(e.path), TarConstants.LF_NORMAL);
      case OPAQUE -> new TarArchiveEntry(e.path + "/.wh..wh..opq", TarConstants.LF_NORMAL);
    };
    t.setMode(e.mode);
    t.setUserId(e.uid);
    t.setGroupId(e.gid);
    t.setModTime(FileTime.from(e.mtime));
    if (e.kind == Kind.FILE) {
      t.setSize(e.content.length);
    }
    if (e.kind == Kind.SYMLINK || e.kind == Kind.HARDLINK) {
      t.setLinkName(e.link);
    }
    if (e.kind == Kind.CHAR || e.kind == Kind.BLOCK) {
      t.setDevMajor(e.major);
      t.setDevMinor(e.minor);
    }
    e.xattrs.forEach((k, v) -> t.addPaxHeader("SCHILY.xattr." + k, v));
    return t;
  }

  /**
   * Moves a name or link target that is not short ASCII into a PAX header of its own, holding the
   * bytes as they are (commons-compress would write them as UTF-8), and leaves an ASCII stand-in.
   */
  private static void rawPaxNames(TarArchiveOutputStream tar, TarArchiveEntry header) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (!isShortAscii(header.getName())) {
      paxRecord(body, "path", header.getName());
      header.setName("PaxHeaders.0/stand-in");
    }
    if (!isShortAscii(header.getLinkName())) {
      paxRecord(body, "linkpath", header.getLinkName());
      header.setLinkName("stand-in");
    }
    if (body.size() > 0) {
      TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders.0/names", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
      pax.setSize(body.size());
      // Whole seconds, as the entry's: a time with nanoseconds would make commons-compress put
      // a PAX header of its own in front of this one.
      pax.setModTime(header.getLastModifiedTime());
      tar.putArchiveEntry(pax);
      tar.write(body.toByteArray());
      tar.closeArchiveEntry();
    }
  }

  private static boolean isShortAscii(String name) {
    return name.length() < 100 && name.chars().allMatch(c -> c > 0 && c < 0x80);
  }

  /** {@code "%d key=value\n"}, the length counting the whole record, the digits included. */
  private static void paxRecord(ByteArrayOutputStream out, String key, String raw) {
    byte[] value = RawNames.bytes(raw);
    int rest = 1 + key.length() + 1 + value.length + 1;
    int length = rest + Integer.toString(rest).length();
    length = rest + Integer.toString(length).length();
    out.writeBytes((length + " " + key + "=").getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(value);
    out.write('\n');
  }

  private static String whiteoutName(String path) {
    int slash = path.lastIndexOf('/');
    return path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1);
  }

  /**
   * Performs the entries on {@code root} with plain file operations, as a union of this layer over
   * the tree already in {@code root} would look. Owners are set only when {@code restoreOwners}.
   */
  public void applyTo(Path root, boolean restoreOwners) throws IOException {
    FileNodes nodes = new FileNodes();
    Xattrs xattrs = new Xattrs();
    Set<Path> created = new HashSet<>();
    for (Entry e : entries) {
      Path p = RawNames.resolve(root, raw(e.path));
      if (e.kind == Kind.WHITEOUT) {
        TreeDeletion.delete(p);
        continue;
      }
      if (e.kind == Kind.OPAQUE) {
        try (var children = Files.list(p)) {
          for (Path child : children.toList()) {
            if (!created.contains(child)) {
              TreeDeletion.delete(child);
            }
          }
        }
        continue;
      }
      Files.createDirectories(p.getParent());
      boolean keepDir = e.kind == Kind.DIR && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
      if (!keepDir) {
        TreeDeletion.delete(p);
      }
      created.add(p);
      switch (e.kind) {
        case DIR -> {
          if (!keepDir) {
            Files.createDirectory(p);
          }
        }
        case FILE -> Files.write(p, e.content);
        case SYMLINK -> nodes.symlink(raw(e.link), p);
        case HARDLINK -> {
          Files.createLink(p, RawNames.resolve(root, raw(e.link)));
          continue; // the link shares its target's inode and metadata
        }
        case FIFO -> nodes.mkfifo(p, 0600);
        case CHAR -> nodes.mknod(p, FileNodes.S_IFCHR, 0600, e.major, e.minor);
        case BLOCK -> nodes.mknod(p, FileNodes.S_IFBLK, 0600, e.major, e.minor);
        default -> throw new IllegalStateException("unreachable: " + e.kind);
      }
      if (restoreOwners) {
        nodes.lchown(p, e.uid, e.gid);
      }
      if (e.kind != Kind.SYMLINK) {
        nodes.chmod(p, e.mode);
      }
      for (var x : e.xattrs.entrySet()) {
        xattrs.set(p, x.getKey(), x.getValue().getBytes(StandardCharsets.UTF_8));
      }
      nodes.setTimes(p, Timestamp.of(e.mtime), Timestamp.of(e.mtime));
    }
  }

  /** A name as a raw string: as given when {@link #namesAsBytes}, else its UTF-8 bytes. */
  private String raw(String name) {
    return namesAsBytes ? name : RawNames.ofText(name);
  }

  private LayerTarBuilder add(Entry e) {
    entries.add(e);
    return this;
  }

  private Entry last() {
    if (entries.isEmpty()) {
      throw new IllegalStateException("no entry to modify yet");
    }
    return entries.get(entries.size() - 1);
  }
}
