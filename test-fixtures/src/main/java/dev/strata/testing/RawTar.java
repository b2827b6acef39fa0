package dev.strata.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes tar bytes header by header, including what no well-behaved writer produces: bad checksums,
 * names with {@code ..}, NUL or a leading {@code /} kept verbatim, base-256 and huge sizes, PAX
 * records with raw-byte values, GNU long names, truncation ({@link #bytes()} without the end
 * blocks). The hostile-input half of the layer-tar fixture; {@link LayerTarBuilder} writes the
 * well-formed tars.
 *
 * <pre>{@code
 * byte[] tar = new RawTar()
 *     .pax("path", "../escape").file("innocent", "x")
 *     .add(RawTar.file("tampered").badChecksum(), bytes)
 *     .end();
 * }</pre>
 */
public final class RawTar {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** One ustar header; fields default to a plain 0644 file owned by 0:0. */
  public static final class Header {
    private static final long MTIME = 1_600_000_000L;

    private final String name;
    private char type = '0';
    private long size;
    private int mode = 0644;
    private long uid;
    private long gid;
    private String link = "";
    private int devMajor;
    private int devMinor;
    /** When set, written in base-256 instead of octal (negative or huge values). */
    private Long base256Size;
    private int checksumDelta;

    /** {@code name} goes into the 100-byte name field as its UTF-8 bytes, cut but never cleaned. */
    public Header(String name) {
      this.name = name;
    }

    /** The typeflag: {@code '0'} file, {@code '5'} directory, {@code 'x'} PAX, any byte at all. */
    public Header type(char t) {
      type = t;
      return this;
    }

    public Header size(long s) {
      size = s;
      return this;
    }

    public Header mode(int m) {
      mode = m;
      return this;
    }

    public Header link(String l) {
      link = l;
      return this;
    }

    public Header owner(long uid, long gid) {
      this.uid = uid;
      this.gid = gid;
      return this;
    }

    public Header dev(int major, int minor) {
      devMajor = major;
      devMinor = minor;
      return this;
    }

    public Header base256Size(long s) {
      base256Size = s;
      return this;
    }

    /** A checksum one off, which a reader must refuse. */
    public Header badChecksum() {
      checksumDelta = 1;
      return this;
    }

    /** The 512-byte header block. */
    public byte[] bytes() {
      byte[] h = new byte[512];
      byte[] n = name.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(n, 0, h, 0, Math.min(100, n.length));
      octal(h, 100, 8, mode);
      octal(h, 108, 8, uid);
      octal(h, 116, 8, gid);
      if (base256Size != null) {
        h[124] = (byte) (base256Size < 0 ? 0xff : 0x80);
        long v = base256Size;
        for (int i = 135; i > 124; i--) {
          h[i] = (byte) v;
          v >>= 8;
        }
      } else {
        octal(h, 124, 12, size);
      }
      octal(h, 136, 12, MTIME);
      h[156] = (byte) type;
      byte[] l = link.getBytes(StandardCharsets.UTF_8);
      System.arraycopy(l, 0, h, 157, Math.min(100, l.length));
      System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
      h[263] = '0';
      h[264] = '0';
      octal(h, 329, 8, devMajor);
      octal(h, 337, 8, devMinor);
      Arrays.fill(h, 148, 156, (byte) ' ');
      long sum = 0;
      for (byte b : h) {
        sum += b & 0xff;
      }
      String cs = String.format("%06o", sum + checksumDelta);
      System.arraycopy(cs.getBytes(StandardCharsets.US_ASCII), 0, h, 148, 6);
      h[154] = 0;
      h[155] = ' ';
      return h;
    }

    private static void octal(byte[] h, int off, int len, long v) {
      String s = String.format("%0" + (len - 1) + "o", v);
      byte[] b = s.getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(b, Math.max(0, b.length - (len - 1)), h, off, Math.min(len - 1, b.length));
      h[off + len - 1] = 0;
    }
  }

  /** A header for a plain file named {@code name}, to adjust before {@link #add}. */
  public static Header file(String name) {
    return new Header(name);
  }

  /** A header and its content, padded to the block. */
  public RawTar add(Header h, byte[] content) {
    if (h.base256Size == null && h.size == 0) {
      h.size = content.length;
    }
    out.writeBytes(h.bytes());
    out.writeBytes(content);
    pad(content.length);
    return this;
  }

  /** A header with no content (a directory, a link, a device, or a file claiming a size it lacks). */
  public RawTar add(Header h) {
    return add(h, new byte[0]);
  }

  /** A plain 0644 file. */
  public RawTar file(String name, String content) {
    return add(new Header(name), content.getBytes(StandardCharsets.UTF_8));
  }

  public RawTar dir(String name) {
    return add(new Header(name).type('5').mode(0755));
  }

  public RawTar symlink(String name, String target) {
    return add(new Header(name).type('2').mode(0777).link(target));
  }

  public RawTar hardlink(String name, String target) {
    return add(new Header(name).type('1').link(target));
  }

  /** A PAX extended header ({@code typeflag x}) with raw-byte values, applying to the next entry. */
  public RawTar pax(String key, byte[] value) {
    byte[] rec = paxRecord(key, value);
    Header h = new Header("PaxHeaders/x").type('x').size(rec.length);
    out.writeBytes(h.bytes());
    out.writeBytes(rec);
    pad(rec.length);
    return this;
  }

  public RawTar pax(String key, String value) {
    return pax(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /** One PAX extended header holding every {@code key, value} pair given, in order. */
  public RawTar paxAll(String... keyValues) {
    ByteArrayOutputStream recs = new ByteArrayOutputStream();
    for (int i = 0; i < keyValues.length; i += 2) {
      recs.writeBytes(paxRecord(keyValues[i], keyValues[i + 1].getBytes(StandardCharsets.UTF_8)));
    }
    byte[] rec = recs.toByteArray();
    out.writeBytes(new Header("PaxHeaders/x").type('x').size(rec.length).bytes());
    out.writeBytes(rec);
    pad(rec.length);
    return this;
  }

  /** A GNU long name ({@code typeflag L}) for the next entry. */
  public RawTar gnuLongName(String name) {
    byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
    Header h = new Header("././@LongLink").type('L').size(n.length);
    out.writeBytes(h.bytes());
    out.writeBytes(n);
    pad(n.length);
    return this;
  }

  /** {@code bytes} as they are, unaligned if they are. */
  public RawTar raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  /** The archive with its two zero end blocks. */
  public byte[] end() {
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }

  /** The bytes so far, without end blocks. */
  public byte[] bytes() {
    return out.toByteArray();
  }

  private void pad(int len) {
    int rem = len % 512;
    if (rem != 0) {
      out.writeBytes(new byte[512 - rem]);
    }
  }

  private static byte[] paxRecord(String key, byte[] value) {
    byte[] k = (" " + key + "=").getBytes(StandardCharsets.UTF_8);
    int body = k.length + value.length + 1;
    int len = body + String.valueOf(body).length();
    if (String.valueOf(len).length() != String.valueOf(body).length()) {
      len++;
    }
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(String.valueOf(len).getBytes(StandardCharsets.US_ASCII));
    r.writeBytes(k);
    r.writeBytes(value);
    r.write('\n');
    return r.toByteArray();
  }
}
