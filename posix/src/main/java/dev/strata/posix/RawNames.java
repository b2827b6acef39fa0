package dev.strata.posix;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as Linux keeps them: bytes, any but {@code /} and NUL, with no encoding. Java's
 * {@code String} and {@code Path.of(String)} go through a charset, and a name that is not valid
 * UTF-8 (Latin-1 {@code caf\xe9}, {@code \xff\xfe}) cannot survive that. The rule, wherever a name
 * comes from a tar or a directory listing:
 *
 * <ul>
 *   <li>A name held as a {@code String} is a <em>raw string</em>: one char per byte, {@code
 *       U+0000..U+00FF} (ISO-8859-1). Slashes, dots and the ASCII prefixes Strata looks for ({@code
 *       .wh.}) read as they would in the bytes, and comparing two raw strings compares the bytes
 *       unsigned, the order tar and Go use. {@link #string(byte[])} and {@link #bytes(String)}
 *       convert; nothing else may decode or encode one.
 *   <li>A {@code Path} holds bytes too (the JDK keeps the bytes of a name read from a directory
 *       listing or built from a {@code file:} URI), but {@code Path.toString()} and {@code
 *       resolve(String)} go through the platform charset. So a tree path is made with {@link
 *       #resolve(Path, String)} and read back with {@link #of(Path)} or {@link #bytes(Path)},
 *       never with {@code toString()}, which is for messages only ({@link #printable(Path)}).
 *   <li>Native calls take the bytes ({@link #cString(Path)}), never a Java string.
 * </ul>
 *
 * <p>ASCII names, the great majority, take a fast path: every charset a JVM runs Linux with maps
 * ASCII to itself.
 */
public final class RawNames {

  private static final Path SLASH = Path.of("/");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private RawNames() {}

  /** The raw string of {@code bytes}: one char per byte. */
  public static String string(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  /** The bytes of the raw string {@code raw}. */
  public static byte[] bytes(String raw) {
    return raw.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** The raw string of a Java string's UTF-8 encoding: how a name typed as text is spelled on disk. */
  public static String ofText(String text) {
    return isAscii(text) ? text : string(text.getBytes(StandardCharsets.UTF_8));
  }

  /** The name a raw string spells, decoded as UTF-8 for display (bytes that are not UTF-8 become U+FFFD). */
  public static String text(String raw) {
    return isAscii(raw) ? raw : new String(bytes(raw), StandardCharsets.UTF_8);
  }

  /** The bytes of {@code path} exactly as the kernel is given them. */
  public static byte[] bytes(Path path) {
    String s = path.toString();
    if (isAscii(s)) {
      return s.getBytes(StandardCharsets.ISO_8859_1);
    }
    // toUri() percent-encodes the path's own bytes; it wants an absolute path and appends a slash
    // to a directory's, both undone below.
    boolean absolute = path.isAbsolute();
    String uri = (absolute ? path : SLASH.resolve(path)).toUri().getRawPath();
    byte[] out = new byte[uri.length()];
    int n = 0;
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '%') {
        out[n++] = (byte) Integer.parseInt(uri, i + 1, i + 3, 16);
        i += 2;
      } else {
        out[n++] = (byte) c;
      }
    }
    if (n > 1 && out[n - 1] == '/' && !s.endsWith("/")) {
      n--; // the slash toUri() adds to a directory's path
    }
    int from = absolute ? 0 : 1;
    return java.util.Arrays.copyOfRange(out, from, n);
  }

  /** The raw string of {@code path}: a name from a listing ({@code child.getFileName()}) or a relative path. */
  public static String of(Path path) {
    String s = path.toString();
    return isAscii(s) ? s : string(bytes(path));
  }

  /**
   * {@code dir} joined with the raw relative name {@code raw} ({@code "a/b"}, no empty, {@code .} or
   * {@code ..} component), byte for byte.
   */
  public static Path resolve(Path dir, String raw) {
    if (isAscii(raw)) {
      return dir.resolve(raw);
    }
    boolean absolute = dir.isAbsolute();
    byte[] base = bytes(absolute ? dir : SLASH.resolve(dir));
    StringBuilder uri = new StringBuilder(base.length + raw.length() * 3 + 8).append("file://");
    encode(base, uri);
    if (base.length > 1) {
      uri.append('/');
    }
    encode(bytes(raw), uri);
    Path joined = Path.of(URI.create(uri.toString()));
    return absolute ? joined : SLASH.relativize(joined);
  }

  /** The bytes of {@code path} with a terminating NUL, for a native call. */
  static byte[] cString(Path path) {
    return cString(bytes(path));
  }

  /** A raw string with a terminating NUL, for a native call. */
  static byte[] cString(String raw) {
    return cString(bytes(raw));
  }

  private static byte[] cString(byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, bytes.length + 1);
  }

  /**
   * {@code path} for a message or a listing: valid UTF-8 shows as the characters it spells, and
   * every other byte (one that is not UTF-8, a control character, a backslash) as {@code \xNN},
   * so the text is one line that still says exactly which bytes the name holds.
   */
  public static String printable(Path path) {
    String s = path.toString();
    return isPrintableAscii(s) ? s : escaped(bytes(path));
  }

  /** A raw string for a message or a listing, as {@link #printable(Path)} shows a path. */
  public static String printable(String raw) {
    return isPrintableAscii(raw) ? raw : escaped(bytes(raw));
  }

  /** The bytes {@code name} for a message or a listing, as {@link #printable(Path)} shows a path. */
  public static String printable(byte[] name) {
    return escaped(name);
  }

  private static String escaped(byte[] b) {
    StringBuilder out = new StringBuilder(b.length + 16);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      int n = c < 0x80 ? 1 : utf8Length(b, i);
      if (n == 1 && c >= 0x20 && c < 0x7f && c != '\\') {
        out.append((char) c);
      } else if (n > 1 && !Character.isISOControl(new String(b, i, n, StandardCharsets.UTF_8).codePointAt(0))) {
        out.append(new String(b, i, n, StandardCharsets.UTF_8));
      } else {
        n = Math.max(n, 1);
        for (int k = i; k < i + n; k++) {
          int x = b[k] & 0xff;
          out.append("\\x").append(Character.forDigit(x >> 4, 16)).append(Character.forDigit(x & 0xf, 16));
        }
      }
      i += n;
    }
    return out.toString();
  }

  /**
   * The length of the well-formed UTF-8 sequence at {@code i} (2 to 4; no overlong form, surrogate
   * or code point above U+10FFFF), or 0 when the bytes there are not one.
   */
  private static int utf8Length(byte[] b, int i) {
    int c = b[i] & 0xff;
    int n;
    int min;
    if (c >= 0xc2 && c <= 0xdf) {
      n = 2;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      min = 0x10000;
    } else {
      return 0;
    }
    if (i + n > b.length) {
      return 0;
    }
    int cp = c & (0x7f >> n);
    for (int k = 1; k < n; k++) {
      int x = b[i + k] & 0xff;
      if ((x & 0xc0) != 0x80) {
        return 0;
      }
      cp = (cp << 6) | (x & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return 0;
    }
    return n;
  }

  private static void encode(byte[] bytes, StringBuilder uri) {
    for (byte b : bytes) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
        uri.append((char) c);
      } else {
        uri.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
      }
    }
  }

  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPrintableAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '\\') {
        return false;
      }
    }
    return true;
  }
}
