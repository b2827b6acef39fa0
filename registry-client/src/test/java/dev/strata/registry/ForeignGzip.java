package dev.strata.registry;

import java.io.ByteArrayOutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * gzip as another tool writes it ({@code gzip -9 layer.tar}: a file name and an mtime in the header,
 * the best compression): valid gzip whose bytes, hence digest, differ from Strata's own, as blobs
 * pulled from a registry usually do.
 */
final class ForeignGzip {

  private static final int MTIME = 1_700_000_000;

  private ForeignGzip() {}

  static byte[] compress(byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // ID1 ID2 CM=deflate FLG=FNAME, MTIME (little-endian), XFL=2 (best), OS=3 (Unix), "layer.tar\0"
    out.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, 8});
    writeInt(out, MTIME);
    out.writeBytes(new byte[] {2, 3});
    out.writeBytes("layer.tar\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    deflater.setInput(data);
    deflater.finish();
    byte[] buffer = new byte[64 * 1024];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    CRC32 crc = new CRC32();
    crc.update(data);
    writeInt(out, (int) crc.getValue());
    writeInt(out, data.length);
    return out.toByteArray();
  }

  private static void writeInt(ByteArrayOutputStream out, int v) {
    out.write(v);
    out.write(v >>> 8);
    out.write(v >>> 16);
    out.write(v >>> 24);
  }
}
