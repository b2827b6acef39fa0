package dev.strata.volume;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Host directories a relabel must never touch: relabeling {@code /usr} or {@code $HOME} to {@code
 * container_file_t} breaks the host. go-selinux's {@code chcon} list; matched exactly, so {@code
 * /usr/local/x} is allowed (go-selinux dropped its {@code /usr} prefix ban in 2022, d3ccb69).
 *
 * <p>Each entry is kept both as written and resolved, because on a merged-/usr host {@code /bin}
 * is a symlink to {@code usr/bin}: a path that resolves to {@code /usr/bin} is {@code /bin}.
 */
public final class RelabelRefusals {

  /** go-selinux's exclusion list ({@code go-selinux/selinux_linux.go chcon}). */
  public static final List<String> SYSTEM_PATHS = List.of(
      "/", "/bin", "/boot", "/dev", "/etc", "/etc/passwd", "/etc/pki", "/etc/shadow", "/home",
      "/lib", "/lib64", "/media", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp",
      "/usr", "/var", "/var/lib", "/var/log");

  private final Set<Path> paths;

  private RelabelRefusals(Set<Path> paths) {
    this.paths = Set.copyOf(paths);
  }

  /**
   * The system list plus the given homes, each also resolved through symlinks where it exists.
   *
   * @param homes the invoking user's home and {@code $SUDO_USER}'s, when known
   */
  public static RelabelRefusals of(List<Path> homes) {
    Set<Path> refused = new LinkedHashSet<>();
    List<Path> written = new ArrayList<>();
    SYSTEM_PATHS.forEach(p -> written.add(Path.of(p)));
    homes.forEach(h -> written.add(h.toAbsolutePath().normalize()));
    for (Path p : written) {
      refused.add(p);
      resolve(p).ifPresent(refused::add);
    }
    return new RelabelRefusals(refused);
  }

  /**
   * Reads the environment once: {@code user.home}, and {@code $SUDO_USER}'s home from {@code
   * /etc/passwd}, as go-selinux does. Call at startup, not per relabel.
   */
  public static RelabelRefusals fromEnvironment() throws IOException {
    List<Path> homes = new ArrayList<>();
    String home = System.getProperty("user.home");
    if (home != null && !home.isEmpty()) {
      homes.add(Path.of(home));
    }
    String sudoUser = System.getenv("SUDO_USER");
    if (sudoUser != null && !sudoUser.isEmpty()) {
      Path passwd = Path.of("/etc/passwd");
      if (Files.exists(passwd)) {
        homeOf(sudoUser, Files.readAllLines(passwd, StandardCharsets.UTF_8)).ifPresent(homes::add);
      }
    }
    return of(homes);
  }

  /** The home field (sixth) of {@code user}'s line in {@code /etc/passwd} content. */
  static Optional<Path> homeOf(String user, List<String> passwdLines) {
    for (String line : passwdLines) {
      String[] fields = line.split(":", -1);
      if (fields.length >= 7 && fields[0].equals(user) && fields[5].startsWith("/")) {
        return Optional.of(Path.of(fields[5]));
      }
    }
    return Optional.empty();
  }

  /** True when the cleaned absolute {@code path} is one of the refused directories. */
  boolean refuses(Path path) {
    return paths.contains(path);
  }

  private static Optional<Path> resolve(Path p) {
    try {
      return Optional.of(p.toRealPath());
    } catch (IOException e) {
      // Missing on this host (/lib64, /srv) or unreadable: still refused as written, which is all
      // go-selinux checks.
      return Optional.empty();
    }
  }
}
