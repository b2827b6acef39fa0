package dev.strata.layer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.strata.json.Json;
import dev.strata.posix.RawNames;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/**
 * Records a tar stream's framing while it flows to the applier, so the layer can later be exported
 * byte for byte: every byte that is not regular-file content (headers, PAX and GNU long-name
 * records, padding, end-of-archive blocks, trailing bytes) is kept as a raw segment; file content
 * is kept only as a reference (name, size) to be read back from the layer on disk.
 *
 * <p>The record is gzip'd JSON lines: {@code {"type":"segment","payload":base64}} and {@code
 * {"type":"file","name":NAME,"size":N}}; a name that is not UTF-8 is {@code "name_raw":base64}
 * instead, as Docker's tar-split writes it. Anything the parser does not understand is kept raw, so
 * a strange stream costs space, never fidelity.
 */
final class TarSplitRecorder extends FilterInputStream {

  private static final int BLOCK = 512;
  private static final int MAX_SEGMENT = 1 << 20;
  private static final int MAX_META = 1 << 20;

  private enum State { HEADER, META, CONTENT, RAW_DATA, RAW_REST }

  private final JsonGenerator json;
  private final ByteArrayOutputStream raw = new ByteArrayOutputStream();
  private final byte[] header = new byte[BLOCK];
  private int headerFill;
  private State state = State.HEADER;
  private long remaining;
  private int padding;
  private char metaType;
  private final ByteArrayOutputStream meta = new ByteArrayOutputStream();
  private String pendingName;
  private long pendingSize = -1;
  private boolean pendingSparse;
  private boolean closed;

  TarSplitRecorder(InputStream in, OutputStream record) throws IOException {
    super(in);
    this.json = Json.generator(new GZIPOutputStream(record, 65536));
    json.setRootValueSeparator(new SerializedString("\n"));
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      feed(new byte[] {(byte) b}, 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (n > 0) {
      feed(b, off, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(n, 8192)];
    int r = read(buf, 0, buf.length);
    return Math.max(r, 0);
  }

  /** Flushes the record. Call after the stream was read to its end. */
  void finish() throws IOException {
    if (!closed) {
      closed = true;
      if (headerFill > 0) {
        raw.write(header, 0, headerFill);
      }
      flushRaw();
      json.close();
    }
  }

  private void feed(byte[] b, int off, int len) throws IOException {
    int end = off + len;
    int i = off;
    while (i < end) {
      switch (state) {
        case HEADER -> {
          int take = Math.min(BLOCK - headerFill, end - i);
          System.arraycopy(b, i, header, headerFill, take);
          headerFill += take;
          i += take;
          if (headerFill == BLOCK) {
            headerFill = 0;
            onHeader();
          }
        }
        case META, RAW_DATA, CONTENT -> {
          int take = (int) Math.min(remaining, end - i);
          if (state == State.CONTENT) {
            remaining -= take;
          } else {
            appendRaw(b, i, take);
            if (state == State.META && meta.size() < MAX_META) {
              meta.write(b, i, take);
            }
            remaining -= take;
          }
          i += take;
          if (remaining == 0) {
            afterData();
          }
        }
        case RAW_REST -> {
          appendRaw(b, i, end - i);
          i = end;
        }
      }
    }
  }

  private void onHeader() throws IOException {
    appendRaw(header, 0, BLOCK);
    if (isZero(header)) {
      return;
    }
    long size;
    try {
      size = TarHeaders.size(header);
    } catch (IllegalArgumentException e) {
      state = State.RAW_REST; // not a header we understand: keep everything raw from here on
      return;
    }
    char type = (char) (header[156] & 0xff);
    boolean metaEntry = type == 'x' || type == 'g' || type == 'L' || type == 'K';
    if (!metaEntry && pendingSize >= 0) {
      size = pendingSize;
    }
    padding = (int) ((BLOCK - size % BLOCK) % BLOCK);
    remaining = size;
    if (metaEntry) {
      metaType = type;
      meta.reset();
      state = State.META;
    } else if ((type == '0' || type == '\0' || type == '7') && size > 0 && !pendingSparse) {
      String name = pendingName != null ? pendingName : TarHeaders.name(header);
      flushRaw();
      json.writeStartObject();
      json.writeStringField("type", "file");
      byte[] bytes = RawNames.bytes(name);
      String text = RawNames.text(name);
      if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), bytes)) {
        json.writeStringField("name", text);
      } else {
        json.writeFieldName("name_raw");
        json.writeBinary(bytes);
      }
      json.writeNumberField("size", size);
      json.writeEndObject();
      clearPending();
      state = State.CONTENT;
    } else {
      clearPending();
      state = State.RAW_DATA;
    }
    if (remaining == 0) {
      afterData();
    }
  }

  private void afterData() throws IOException {
    if (state == State.META) {
      byte[] data = meta.toByteArray();
      if (metaType == 'x') {
        TarHeaders.Pax pax = TarHeaders.parsePax(data);
        pax.path().ifPresent(p -> pendingName = p);
        if (pax.size().isPresent()) {
          pendingSize = pax.size().getAsLong();
        }
        pendingSparse |= pax.sparse();
      } else if (metaType == 'L') {
        pendingName = TarHeaders.cString(data);
      }
    }
    // Padding after the data is raw; read it as a short RAW_DATA run, then expect a header.
    if (padding > 0) {
      remaining = padding;
      padding = 0;
      state = State.RAW_DATA;
      metaType = 0;
    } else {
      state = State.HEADER;
    }
  }

  private void clearPending() {
    pendingName = null;
    pendingSize = -1;
    pendingSparse = false;
  }

  private void appendRaw(byte[] b, int off, int len) throws IOException {
    raw.write(b, off, len);
    if (raw.size() >= MAX_SEGMENT) {
      flushRaw();
    }
  }

  private void flushRaw() throws IOException {
    if (raw.size() == 0) {
      return;
    }
    json.writeStartObject();
    json.writeStringField("type", "segment");
    json.writeBinaryField("payload", raw.toByteArray());
    json.writeEndObject();
    raw.reset();
  }

  private static boolean isZero(byte[] block) {
    for (byte x : block) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  static String utf8(byte[] b, int off, int len) {
    return new String(b, off, len, StandardCharsets.UTF_8);
  }
}
