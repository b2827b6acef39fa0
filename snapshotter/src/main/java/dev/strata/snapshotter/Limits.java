package dev.strata.snapshotter;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Bounds on what a client may send. Every request comes from a socket and may be hostile; these
 * keep one request from growing the metadata without bound. Label sizes follow containerd's own
 * rule (a key and its value together at most 4096 bytes).
 */
final class Limits {

  static final int MAX_KEY_BYTES = 4096;
  static final int MAX_LABEL_BYTES = 4096;
  static final int MAX_LABELS = 256;

  private Limits() {}

  /** A snapshot key or name: non-empty, at most {@link #MAX_KEY_BYTES} UTF-8 bytes, no NUL. */
  static String key(String what, String key) throws InvalidArgumentException {
    if (key.isEmpty()) {
      throw new InvalidArgumentException(what, what + " is empty; name the snapshot");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_KEY_BYTES) {
      throw new InvalidArgumentException(shorten(key), what + " is " + bytes + " bytes long; at most "
          + MAX_KEY_BYTES + " are accepted");
    }
    if (key.indexOf('\0') >= 0) {
      throw new InvalidArgumentException(shorten(key), what + " '" + shorten(key) + "' contains a NUL byte");
    }
    return key;
  }

  static Map<String, String> labels(Map<String, String> labels) throws InvalidArgumentException {
    if (labels.size() > MAX_LABELS) {
      throw new InvalidArgumentException("labels", labels.size() + " labels given; at most "
          + MAX_LABELS + " are accepted per snapshot");
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw new InvalidArgumentException("labels", "a label has an empty key");
      }
      int bytes = e.getKey().getBytes(StandardCharsets.UTF_8).length
          + e.getValue().getBytes(StandardCharsets.UTF_8).length;
      if (bytes > MAX_LABEL_BYTES) {
        throw new InvalidArgumentException(shorten(e.getKey()), "label '" + shorten(e.getKey())
            + "' and its value are " + bytes + " bytes; at most " + MAX_LABEL_BYTES + " are accepted");
      }
      if (e.getKey().indexOf('\0') >= 0 || e.getValue().indexOf('\0') >= 0) {
        throw new InvalidArgumentException(shorten(e.getKey()), "label '" + shorten(e.getKey())
            + "' contains a NUL byte");
      }
    }
    return labels;
  }

  /** Keeps messages about hostile input short. */
  static String shorten(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "…";
  }
}
