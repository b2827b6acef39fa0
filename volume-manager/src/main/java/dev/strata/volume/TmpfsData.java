package dev.strata.volume;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.error.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The mount data of a tmpfs: {@code size=}, {@code mode=} and friends, and flags such as {@code
 * noexec}. Sizes are normalised to Docker's form (the largest of {@code g}, {@code m}, {@code k}
 * that divides exactly, so {@code 64MB} is {@code 64m}) and modes to plain octal ({@code 0700}
 * is {@code 700}), so that two specs meaning the same thing compare equal.
 *
 * <p>{@code ro}/{@code rw} are not kept as data: {@link MountSpec#readOnly()} carries them.
 */
final class TmpfsData {

  /** What the kernel's tmpfs takes as {@code key=value}. */
  private static final Set<String> KEYS = Set.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "huge", "mpol");
  /** Generic mount flags, each with its opposite: at most one of a pair. */
  private static final Map<String, String> FLAG_GROUPS = flagGroups();
  private static final Pattern DIGITS = Pattern.compile("\\d+");
  private static final Pattern COUNT = Pattern.compile("\\d+[kKmMgG]?");
  private static final Pattern PERCENT = Pattern.compile("\\d+%");
  private static final Set<String> HUGE = Set.of("never", "always", "within_size", "advise", "deny", "force");

  /** The parsed options of a {@code --tmpfs} spec. */
  record Parsed(boolean readOnly, Map<String, String> data) {}

  private TmpfsData() {}

  /**
   * Parses the comma list after {@code --tmpfs dst:}. Unknown options are refused rather than
   * handed to the kernel, which would fail the container's start with a bare EINVAL.
   */
  static Parsed parse(String opts, Function<String, InvalidArgumentException> fail) throws InvalidArgumentException {
    Map<String, String> data = new LinkedHashMap<>();
    Map<String, String> flags = new LinkedHashMap<>();
    boolean readOnly = false;
    for (String token : opts.split(",", -1)) {
      int eq = token.indexOf('=');
      String key = eq < 0 ? token : token.substring(0, eq);
      String group = eq < 0 ? FLAG_GROUPS.get(key) : KEYS.contains(key) ? key : null;
      if (token.isEmpty() || group == null) {
        throw fail.apply("invalid option: '" + token + "' (tmpfs takes ro, rw, size=, mode=, uid=, gid=,"
            + " nr_inodes=, nr_blocks=, huge=, mpol= and mount flags such as noexec, nosuid, nodev)");
      }
      String prior = flags.putIfAbsent(group, key);
      if (prior != null) {
        throw fail.apply(prior.equals(key) ? "cannot pass '" + key + "' more than once"
            : prior + " and " + key + " can not be used together");
      }
      if (group.equals("rw")) {
        readOnly = key.equals("ro");
      } else {
        data.put(key, eq < 0 ? "" : value(key, token.substring(eq + 1), fail));
      }
    }
    return new Parsed(readOnly, data);
  }

  /** {@code tmpfs-size}: a size in Docker's units, as mount data. */
  static String size(String value, Function<String, InvalidArgumentException> fail) throws InvalidArgumentException {
    long bytes;
    try {
      bytes = ByteSizes.parse("size", value);
    } catch (InvalidArgumentException e) {
      throw fail.apply("invalid value for size: '" + value + "' (" + e.getMessage() + ")");
    }
    String suffix = "";
    for (String s : new String[] {"k", "m", "g"}) {
      if (bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        suffix = s;
      }
    }
    return bytes + suffix;
  }

  /** {@code tmpfs-mode}: octal permission bits, as mount data. */
  static String mode(String value, Function<String, InvalidArgumentException> fail) throws InvalidArgumentException {
    if (!value.matches("[0-7]{1,5}") || Integer.parseInt(value, 8) > 07777) {
      throw fail.apply("invalid value for mode: '" + value + "' (must be octal, at most 7777)");
    }
    return Integer.toOctalString(Integer.parseInt(value, 8));
  }

  private static String value(String key, String value, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    return switch (key) {
      // The kernel also takes a share of RAM, which Docker's size units cannot say.
      case "size" -> PERCENT.matcher(value).matches() ? value : size(value, fail);
      case "mode" -> mode(value, fail);
      case "uid", "gid" -> matching(DIGITS.matcher(value).matches(), key, value, fail);
      case "nr_inodes", "nr_blocks" -> matching(COUNT.matcher(value).matches(), key, value, fail);
      case "huge" -> matching(HUGE.contains(value), key, value, fail);
      default -> matching(!value.isEmpty(), key, value, fail);
    };
  }

  private static String matching(boolean ok, String key, String value, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    if (!ok) {
      throw fail.apply("invalid value for " + key + ": '" + value + "'");
    }
    return value;
  }

  private static Map<String, String> flagGroups() {
    Map<String, String> groups = new LinkedHashMap<>();
    groups.put("ro", "rw");
    groups.put("rw", "rw");
    groups.put("sync", "sync");
    groups.put("async", "sync");
    groups.put("dirsync", "dirsync");
    for (String flag : new String[] {"exec", "suid", "dev", "mand", "atime", "diratime", "relatime", "strictatime"}) {
      groups.put(flag, flag);
      groups.put("no" + flag, flag);
    }
    return Map.copyOf(groups);
  }
}
