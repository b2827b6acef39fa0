package dev.strata.tar;

import static dev.strata.files.PrintableNames.quoted;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import dev.strata.posix.RawNames;
import dev.strata.posix.Timestamp;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * The layer tar as a sequence of {@link TarEntry}: decompression, the DiffID, and every way the
 * archive itself can be broken reported as {@link CorruptException}. commons-compress stays inside
 * this class.
 */
final class TarReader implements Closeable {

  /** 1 TiB: no layer file is larger; a larger size is corruption or an attempt to exhaust the disk. */
  static final long MAX_ENTRY_SIZE = 1L << 40;

  private static final int BUFFER = 64 * 1024;
  /** Each of the read-ahead's two buffers: large enough that hand-overs between threads are rare. */
  private static final int READ_AHEAD = 256 * 1024;

  private final InputStream decompressed;
  private final DigestingInputStream digesting;
  private final ThreadedReadAhead readAhead;
  private final HeaderTap tap;
  private final TarArchiveInputStream tar;
  private final RawHeaders raw = new RawHeaders();
  private TarEntry current;
  private boolean ended;

  TarReader(InputStream layerTar) throws IOException {
    InputStream source = new BufferedInputStream(new NonClosing(layerTar), BUFFER);
    Compression compression = Compression.detect(source);
    try {
      decompressed = compression.decompress(source);
    } catch (IOException e) {
      throw new CorruptException("layer tar", e.getMessage(), e); // the decompressor's failure names the format
    }
    digesting = new DigestingInputStream(decompressed);
    // Reading, decompressing and hashing run on a second thread while this one parses and writes
    // files: the DiffID's SHA-256 alone costs about as much CPU as writing a large layer, so doing
    // it in line made a 1 GiB apply twice as slow as GNU tar (docs/performance.md).
    readAhead = new ThreadedReadAhead(digesting, READ_AHEAD);
    tap = new HeaderTap(readAhead);
    tar = new TarArchiveInputStream(tap, StandardCharsets.UTF_8.name());
  }

  /** The next member, or {@code null} at the end of the archive. */
  TarEntry next() throws IOException {
    if (ended) {
      return null;
    }
    String after = current == null ? "the start of the archive" : current.describe();
    if (current != null) {
      skipContent();
    }
    TarArchiveEntry e;
    tap.startRecording();
    try {
      e = tar.getNextEntry();
    } catch (IOException | RuntimeException ex) {
      throw unreadable(after, ex);
    } finally {
      tap.stopRecording();
    }
    RawHeaders.Scan scan = raw.scan(tap, e == null ? null : e.getName());
    if (e == null) {
      ended = true;
      current = null;
      if (scan.kind() == RawHeaders.Kind.TRUNCATED) {
        throw new CorruptException("offset " + scan.offset(), "the archive is truncated: "
            + HeaderNames.describeTruncated(tap, scan.offset()) + ", after " + after);
      }
      if (scan.kind() == RawHeaders.Kind.ENTRY) {
        throw new CorruptException("offset " + scan.offset(), "the archive is truncated: the header at offset "
            + scan.offset() + " has no entry the tar reader could read, after " + after);
      }
      return null;
    }
    if (scan.kind() != RawHeaders.Kind.ENTRY) {
      throw new CorruptException(e.getName(), "entry " + quoted(e.getName())
          + ": the tar reader and the raw headers disagree at offset " + scan.offset());
    }
    current = convert(e, scan);
    return current;
  }

  /** Reads the current member's content; -1 at its end. */
  int read(byte[] b, int off, int len) throws IOException {
    try {
      return tar.read(b, off, len);
    } catch (IOException | RuntimeException ex) {
      throw corrupt(current.describe() + ": content unreadable at offset " + tap.offset(), ex);
    }
  }

  /** Discards what is left of the current member's content, which is never recorded. */
  void skipContent() throws IOException {
    byte[] scratch = new byte[8192];
    while (read(scratch, 0, scratch.length) >= 0) {
      // discard
    }
  }

  /**
   * Reads the rest of the stream (end-of-archive blocks, the last record's padding, anything a
   * writer appended) and returns the DiffID of everything.
   */
  Digest finish() throws IOException {
    byte[] scratch = new byte[BUFFER];
    try {
      while (readAhead.read(scratch) >= 0) {
        // hashed by the digesting stream below
      }
    } catch (IOException ex) {
      throw corrupt("the stream after the end of the archive is unreadable", ex);
    }
    return digesting.digest();
  }

  @Override
  public void close() throws IOException {
    try {
      tar.close();
    } finally {
      readAhead.close();
    }
  }

  /**
   * The tar reader failed on the header blocks it was reading. Their recorded copy names the entry
   * (its message rarely does), or shows that the block was no header at all (a bad checksum).
   */
  private StorageException unreadable(String after, Throwable ex) {
    if (ex instanceof StorageException se) {
      return se;
    }
    Optional<String> what;
    try {
      what = HeaderNames.describeUnreadable(tap);
    } catch (CorruptException notAHeader) {
      return new CorruptException(notAHeader.subject(), notAHeader.getMessage() + ", after " + after, ex);
    }
    String at = " after " + after + ", at offset " + tap.offset();
    return corrupt(what.map(w -> w + " is unreadable" + at).orElse("the archive is corrupt" + at), ex);
  }

  private static StorageException corrupt(String message, Throwable cause) {
    if (cause instanceof StorageException se) {
      return se;
    }
    String why = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return new CorruptException("layer tar", message + ": " + why, cause);
  }

  private TarEntry convert(TarArchiveEntry e, RawHeaders.Scan scan) throws CorruptException {
    String name = raw(e.getName(), scan.name());
    String where = "entry " + quoted(scan.name()) + " (offset " + scan.offset() + ")";
    TarEntry.Type type = typeOf(e, where);
    long size = 0;
    if (type == TarEntry.Type.FILE) {
      size = e.isSparse() ? e.getRealSize() : e.getSize();
      if (size < 0 || size > MAX_ENTRY_SIZE || e.getSize() < 0 || e.getSize() > MAX_ENTRY_SIZE) {
        throw new CorruptException(name, where + " declares an absurd size " + size + " (limit " + MAX_ENTRY_SIZE + ")");
      }
    }
    long uid = e.getLongUserId();
    long gid = e.getLongGroupId();
    if (uid < 0 || uid > 0xffff_fffeL || gid < 0 || gid > 0xffff_fffeL) {
      throw new CorruptException(name, where + " has an invalid owner " + uid + ":" + gid);
    }
    if (e.getDevMajor() < 0 || e.getDevMinor() < 0) {
      throw new CorruptException(name, where + " has a negative device number");
    }
    Timestamp mtime = time(e.getLastModifiedTime());
    FileTime accessed = e.getLastAccessTime();
    return new TarEntry(name, type, size, e.getMode() & 07777, uid, gid, mtime,
        accessed == null ? null : time(accessed), raw(e.getLinkName(), scan.linkName()),
        e.getDevMajor(), e.getDevMinor(), scan.xattrs(), scan.offset());
  }

  /**
   * A name as a raw string ({@link RawNames}): the bytes the headers hold ({@link HeaderNames}
   * follows the reader's precedence of PAX, GNU long-name and ustar fields), since the reader's own
   * UTF-8 decoding turns bytes that are not UTF-8 into U+FFFD; its decoded name only when the
   * headers held none.
   */
  private static String raw(String decoded, byte[] headerBytes) {
    if (headerBytes.length > 0) {
      return RawNames.string(headerBytes);
    }
    return decoded == null ? "" : RawNames.ofText(decoded);
  }

  private static Timestamp time(FileTime t) {
    return t == null ? new Timestamp(0, 0) : Timestamp.of(t);
  }

  private static TarEntry.Type typeOf(TarArchiveEntry e, String where) throws CorruptException {
    byte flag = e.getLinkFlag();
    switch (flag) {
      case 0: // pre-POSIX regular file
      case '0':
      case '7': // contiguous file: POSIX says treat as regular
        return e.getName().endsWith("/") ? TarEntry.Type.DIRECTORY : TarEntry.Type.FILE;
      case 'S': // old GNU sparse; the reader expands it
        return TarEntry.Type.FILE;
      case '1':
        return TarEntry.Type.HARDLINK;
      case '2':
        return TarEntry.Type.SYMLINK;
      case '3':
        return TarEntry.Type.CHAR_DEVICE;
      case '4':
        return TarEntry.Type.BLOCK_DEVICE;
      case '5':
      case 'D': // GNU incremental dump directory: a directory whose content lists its members
        return TarEntry.Type.DIRECTORY;
      case '6':
        return TarEntry.Type.FIFO;
      case 'V':
        return TarEntry.Type.LABEL;
      case 'M':
        throw new CorruptException(e.getName(), where
            + " continues a file from a previous volume; a layer must be a single-volume archive");
      default:
        throw new CorruptException(e.getName(), where + " has an unsupported type '"
            + (flag >= 0x20 && flag < 0x7f ? String.valueOf((char) flag) : "\\x" + Integer.toHexString(flag & 0xff))
            + "'");
    }
  }

  /** The caller owns its stream; closing the decompressors must not close it. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {
      // the caller closes what it opened
    }
  }
}
