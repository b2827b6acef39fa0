package dev.strata.files;

import java.nio.charset.StandardCharsets;

/**
 * Names taken from archives and manifests, quoted as messages show them. An entry name is bytes a
 * stranger chose: a newline forges a second log line, an escape sequence rewrites the terminal,
 * invalid UTF-8 prints as nothing readable. Quoted, every name is one line of printable ASCII that
 * still says exactly which bytes it held: printable ASCII stays as it is, a newline is {@code \n},
 * a tab {@code \t}, the backslash and the quote are {@code \\} and {@code \'} (so an escape in the
 * output always means an escape), and every other byte of the name's UTF-8 encoding is {@code
 * \xNN}, lower-case hex.
 *
 * <pre>{@code
 * quoted("etc/passwd")       'etc/passwd'
 * quoted("evil\0name")       'evil\x00name'
 * quoted("caf\u00e9")        'caf\xc3\xa9'
 * }</pre>
 */
public final class PrintableNames {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private PrintableNames() {}

  /** {@code name} between single quotes, escaped as the class describes. */
  public static String quoted(String name) {
    return quoted(name.getBytes(StandardCharsets.UTF_8));
  }

  /** A raw string ({@link dev.strata.posix.RawNames}: one char per byte), between single quotes, escaped. */
  public static String quotedRaw(String raw) {
    return quoted(raw.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** A name read as raw bytes (a tar header field), between single quotes, escaped. */
  public static String quoted(byte[] name) {
    StringBuilder out = new StringBuilder(name.length + 2).append('\'');
    for (byte b : name) {
      int c = b & 0xff;
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        case '\\' -> out.append("\\\\");
        case '\'' -> out.append("\\'");
        default -> {
          if (c >= 0x20 && c < 0x7f) {
            out.append((char) c);
          } else {
            out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xf]);
          }
        }
      }
    }
    return out.append('\'').toString();
  }
}
