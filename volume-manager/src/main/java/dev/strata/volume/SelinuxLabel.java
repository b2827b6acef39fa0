package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * An SELinux security context, {@code user:role:type:level}, as stored in a file's {@code
 * security.selinux} attribute. The level is the MLS/MCS part and may itself contain colons ({@code
 * s0:c1,c2}, {@code s0-s0:c0.c1023}), so a context string splits into at most four parts.
 *
 * <p>{@code z} mounts use the file label at level {@code s0}; {@code Z} mounts use the container's
 * own {@link McsPair}: {@code CONTAINER_FILE.withLevel(pair.level())}.
 *
 * @param user SELinux user ({@code system_u})
 * @param role role ({@code object_r} for files)
 * @param type type ({@code container_file_t})
 * @param level MLS/MCS level ({@code s0}, {@code s0:c1,c2})
 */
public record SelinuxLabel(String user, String role, String type, String level) {

  // Declared before CONTAINER_FILE: static initialisers run in order and its constructor uses them.
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final String CATEGORIES = "c\\d{1,4}(?:[.,]c\\d{1,4})*";
  private static final String SENSITIVITY = "s\\d{1,4}(?::" + CATEGORIES + ")?";
  private static final Pattern LEVEL = Pattern.compile(SENSITIVITY + "(?:-" + SENSITIVITY + ")?");

  /** The file type Fedora/RHEL's {@code lxc_contexts} gives container content. */
  public static final String CONTAINER_FILE_TYPE = "container_file_t";

  /** {@code system_u:object_r:container_file_t:s0}: container content every container may use. */
  public static final SelinuxLabel CONTAINER_FILE =
      new SelinuxLabel("system_u", "object_r", CONTAINER_FILE_TYPE, McsPairs.SHARED);

  public SelinuxLabel {
    checkName("user", user);
    checkName("role", role);
    checkName("type", type);
    if (level == null || !LEVEL.matcher(level).matches()) {
      throw new IllegalArgumentException(
          "invalid SELinux level '" + level + "': expected s<N>[:c<N>[,c<N>...]] like s0:c1,c2");
    }
  }

  private static void checkName(String part, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid SELinux " + part + " '" + value + "': expected letters, digits, '_', '.', '-'");
    }
  }

  /**
   * Parses {@code user:role:type:level}; everything after the third colon is the level.
   *
   * @throws InvalidArgumentException quoting the context when it has fewer than four parts or a
   *     part is malformed
   */
  public static SelinuxLabel parse(String context) throws InvalidArgumentException {
    String subject = String.valueOf(context);
    if (context == null || context.isEmpty()) {
      throw new InvalidArgumentException(subject, "SELinux context is empty");
    }
    String[] parts = context.split(":", 4);
    if (parts.length < 4) {
      throw new InvalidArgumentException(
          subject,
          "invalid SELinux context '" + context + "': expected user:role:type:level"
              + " like system_u:object_r:container_file_t:s0");
    }
    try {
      return new SelinuxLabel(parts[0], parts[1], parts[2], parts[3]);
    } catch (IllegalArgumentException e) {
      throw new InvalidArgumentException(
          subject, "invalid SELinux context '" + context + "': " + e.getMessage(), e);
    }
  }

  /** {@code system_u:object_r:<type>:s0}, for a policy whose container file type is not the default. */
  public static SelinuxLabel containerFile(String type) {
    return CONTAINER_FILE.withType(type);
  }

  public SelinuxLabel withLevel(String newLevel) {
    return new SelinuxLabel(user, role, type, newLevel);
  }

  public SelinuxLabel withType(String newType) {
    return new SelinuxLabel(user, role, newType, level);
  }

  /** The context string, {@code user:role:type:level}. */
  @Override
  public String toString() {
    return user + ':' + role + ':' + type + ':' + level;
  }

  /**
   * The attribute value as libselinux's {@code lsetfilecon} writes it: the context and a trailing
   * NUL ({@code strlen + 1}). {@code chcon} and {@code restorecon} write the same bytes; go-selinux
   * omits the NUL, and the kernel accepts both.
   */
  byte[] xattrValue() {
    byte[] text = toString().getBytes(StandardCharsets.US_ASCII);
    byte[] value = new byte[text.length + 1];
    System.arraycopy(text, 0, value, 0, text.length);
    return value;
  }

  /** True when a stored attribute value names this context, with or without the trailing NUL. */
  boolean matches(byte[] stored) {
    int length = stored.length;
    if (length > 0 && stored[length - 1] == 0) {
      length--;
    }
    return toString().equals(new String(stored, 0, length, StandardCharsets.US_ASCII));
  }
}
