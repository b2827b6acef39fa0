package dev.strata.driver.overlay2;

import dev.strata.posix.DirEntryTypes;
import dev.strata.posix.FsMountCalls;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What this kernel and this home filesystem offer overlay, found once when the driver opens.
 *
 * @param overlayFs {@code overlay} is in {@code /proc/filesystems}
 * @param backingFs the home's filesystem type ({@code ext4}, {@code xfs}, ...)
 * @param dType the home filesystem reports file types in directory entries (xfs with ftype=0 does
 *     not, and overlay cannot find whiteouts on it)
 * @param newMountApi {@code fsopen} works and overlay takes {@code lowerdir+} (Linux 6.8+)
 * @param index the overlay module's {@code index} default; empty when the parameter does not exist
 * @param redirectDir the module's {@code redirect_dir} default
 * @param metacopy the module's {@code metacopy} default
 * @param rootless the process is not root: overlay needs {@code userxattr} and {@code user.overlay.*}
 */
record OverlayFeatures(boolean overlayFs, String backingFs, boolean dType, boolean newMountApi,
    Optional<Boolean> index, Optional<Boolean> redirectDir, Optional<Boolean> metacopy,
    boolean rootless) {

  static final Path PROC_FILESYSTEMS = Path.of("/proc/filesystems");
  static final Path MODULE_PARAMETERS = Path.of("/sys/module/overlay/parameters");

  /** Probes; {@code scratch} is an existing empty directory on the home filesystem. */
  static OverlayFeatures probe(Path scratch, boolean root, FsMountCalls calls, DirEntryTypes dirents)
      throws IOException {
    Path params = MODULE_PARAMETERS;
    return new OverlayFeatures(overlayListed(PROC_FILESYSTEMS), Files.getFileStore(scratch).type(),
        dType(scratch, dirents), newMountApi(scratch, calls),
        parameter(params, "index"), parameter(params, "redirect_dir"), parameter(params, "metacopy"),
        !root);
  }

  String xattrPrefix() {
    return rootless ? "user.overlay." : "trusted.overlay.";
  }

  static boolean overlayListed(Path procFilesystems) throws IOException {
    if (!Files.isReadable(procFilesystems)) {
      return false;
    }
    for (String line : Files.readAllLines(procFilesystems)) {
      String[] f = line.trim().split("\\s+");
      if (f[f.length - 1].equals("overlay")) {
        return true;
      }
    }
    return false;
  }

  /** {@code Y}/{@code N} (or {@code on}/{@code off}) of a module parameter; empty when absent. */
  static Optional<Boolean> parameter(Path dir, String name) throws IOException {
    Path p = dir.resolve(name);
    if (!Files.isReadable(p)) {
      return Optional.empty();
    }
    String v = Files.readString(p).trim();
    return Optional.of(v.equalsIgnoreCase("Y") || v.equalsIgnoreCase("on") || v.equals("1"));
  }

  private static boolean dType(Path scratch, DirEntryTypes dirents) throws IOException {
    Path dir = Files.createTempDirectory(scratch, "dtype-");
    try {
      Files.createFile(dir.resolve("probe"));
      return dirents.reported(dir);
    } finally {
      Files.deleteIfExists(dir.resolve("probe"));
      Files.delete(dir);
    }
  }

  /**
   * fsopen works and overlay knows {@code lowerdir+} (one lower per call, no length limit). Setting
   * the key is no proof: before Linux 6.5 overlay had no mount-API parser of its own, and the
   * kernel's legacy one takes any key, failing only when the superblock is made. So this makes one,
   * read-only over two empty lowers, and never mounts it.
   */
  private static boolean newMountApi(Path scratch, FsMountCalls calls) throws IOException {
    int fs;
    try {
      fs = calls.fsopen("overlay");
    } catch (PosixException e) {
      return false; // ENOSYS before Linux 5.2, EPERM without CAP_SYS_ADMIN
    }
    Path lowers = Files.createTempDirectory(scratch, "lowerdir-probe-");
    try {
      Path a = Files.createDirectory(lowers.resolve("a"));
      Path b = Files.createDirectory(lowers.resolve("b"));
      calls.setString(fs, "lowerdir+", a.toString());
      calls.setString(fs, "lowerdir+", b.toString());
      calls.create(fs, "overlay probe on " + lowers);
      return true;
    } catch (PosixException e) {
      return false; // EINVAL before Linux 6.8: at the key, or (before 6.5) at the superblock
    } finally {
      try {
        calls.close(fs);
      } catch (PosixException e) {
        // Safe: a probe fd that will not close is only a leaked descriptor, never a mount.
        System.getLogger(OverlayFeatures.class.getName()).log(System.Logger.Level.DEBUG,
            "closing the fsopen probe failed", e);
      }
      Files.deleteIfExists(lowers.resolve("b"));
      Files.deleteIfExists(lowers.resolve("a"));
      Files.delete(lowers);
    }
  }
}
