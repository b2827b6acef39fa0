package dev.strata.files;

import dev.strata.posix.FileSystemTypes;
import dev.strata.posix.Ioctls;
import dev.strata.posix.PosixException;
import dev.strata.posix.Quotas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Disk quotas through xfs project quotas, as Docker's overlay2 and local volume driver do them: a
 * layer's (or volume's) directory gets a project id of its own (inherited by everything created under it, the
 * upper and overlay's work dir alike, so copy-up renames stay within one project), and {@code
 * quotactl} limits that project's blocks and inodes on the home's block device.
 */
public final class ProjectQuotas {

  /** Where project ids start when the home itself has none (Docker starts at the home's id). */
  public static final int DEFAULT_BASE_ID = 100_000;

  private final String device;
  private final int baseId;
  private final Ioctls ioctls;
  private final Quotas quotas;

  public ProjectQuotas(String device, int baseId, Ioctls ioctls, Quotas quotas) {
    this.device = device;
    this.baseId = baseId;
    this.ioctls = ioctls;
    this.quotas = quotas;
  }

  /** Whether the home can have quotas: the manager, or why not. */
  public record Support(Optional<ProjectQuotas> quotas, String reason) {}

  /**
   * Checks that {@code home} (a real path) is on xfs mounted with enforced project quotas ({@code
   * prjquota}), asking the kernel rather than trusting the mount options.
   */
  public static Support probe(Path home, MountTable mounts, Ioctls ioctls, Quotas quotas) {
    try {
      if (new FileSystemTypes().magic(home) != FileSystemTypes.XFS_SUPER_MAGIC) {
        return unsupported(home + " is on " + Files.getFileStore(home).type()
            + ", not xfs; quotas need xfs mounted with prjquota");
      }
      Optional<MountTable.Entry> entry = mounts.holding(home);
      if (entry.isEmpty() || !entry.get().source().startsWith("/")
          || !Files.exists(Path.of(entry.get().source()))) {
        return unsupported("the block device under " + home + " is not found in the mount table");
      }
      String device = entry.get().source();
      List<String> options = entry.get().superOptions();
      if (!options.contains("prjquota") && !options.contains("pquota")) {
        return unsupported(entry.get().mountPoint() + " (xfs on " + device + ") is mounted without"
            + " project quotas; mount it with -o prjquota");
      }
      byte[] stat = new byte[XfsQuotaAbi.QUOTA_STAT_SIZE];
      quotas.quotactl(XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XGETQSTAT, XfsQuotaAbi.PRJQUOTA), device, 0, stat);
      int flags = XfsQuotaAbi.wrap(stat).getShort(XfsQuotaAbi.QS_FLAGS) & 0xffff;
      if ((flags & XfsQuotaAbi.FS_QUOTA_PDQ_ENFD) == 0) {
        return unsupported("project quotas on " + device + " are accounted but not enforced;"
            + " remount with -o prjquota");
      }
      int homeId = new ProjectQuotas(device, 0, ioctls, quotas).projectId(home);
      ProjectQuotas q = new ProjectQuotas(device, homeId != 0 ? homeId : DEFAULT_BASE_ID, ioctls, quotas);
      return new Support(Optional.of(q), "xfs project quota on " + device);
    } catch (IOException e) {
      return unsupported("cannot use xfs project quotas under " + home + ": " + e.getMessage());
    }
  }

  private static Support unsupported(String reason) {
    return new Support(Optional.empty(), reason);
  }

  /** Ids handed out are above this: the home's own project id, or {@link #DEFAULT_BASE_ID}. */
  public int baseId() {
    return baseId;
  }

  public String device() {
    return device;
  }

  public int projectId(Path dir) throws PosixException {
    byte[] fsxattr = new byte[XfsQuotaAbi.FSXATTR_SIZE];
    ioctls.ioctl(dir, true, XfsQuotaAbi.FS_IOC_FSGETXATTR, fsxattr);
    return XfsQuotaAbi.projectId(fsxattr);
  }

  /** Puts the empty directory {@code dir} in project {@code id}, inherited below it. */
  public void assign(Path dir, int id) throws PosixException {
    byte[] fsxattr = new byte[XfsQuotaAbi.FSXATTR_SIZE];
    ioctls.ioctl(dir, true, XfsQuotaAbi.FS_IOC_FSGETXATTR, fsxattr);
    ioctls.ioctl(dir, true, XfsQuotaAbi.FS_IOC_FSSETXATTR, XfsQuotaAbi.withProject(fsxattr, id));
  }

  /** Limits project {@code id} to {@code bytes} and {@code inodes}; 0 lifts that limit. */
  public void limit(int id, long bytes, long inodes) throws PosixException {
    quotas.quotactl(XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XSETQLIM, XfsQuotaAbi.PRJQUOTA), device, id,
        XfsQuotaAbi.limits(id, bytes, inodes));
  }

  /**
   * The hard limits of project {@code id} read back with {@code Q_XGETQUOTA}: {@code [basic blocks
   * of 512 bytes, inodes]}, 0 where unlimited.
   */
  public long[] hardLimits(int id) throws PosixException {
    var b = XfsQuotaAbi.wrap(getQuota(id));
    return new long[] {b.getLong(XfsQuotaAbi.D_BLK_HARDLIMIT), b.getLong(XfsQuotaAbi.D_INO_HARDLIMIT)};
  }

  /**
   * What project {@code id} holds, as the kernel counts it: {@code [bytes, inodes]}. Exact and
   * instant, where a walk of the directory would cost a stat per file.
   */
  public long[] usage(int id) throws PosixException {
    var b = XfsQuotaAbi.wrap(getQuota(id));
    return new long[] {b.getLong(XfsQuotaAbi.D_BCOUNT) * XfsQuotaAbi.BASIC_BLOCK, b.getLong(XfsQuotaAbi.D_ICOUNT)};
  }

  /**
   * Project {@code id}'s {@code fs_disk_quota}. A project with neither limits nor usage has no
   * record, and xfs answers ENOENT: that reads as all zeros.
   */
  private byte[] getQuota(int id) throws PosixException {
    byte[] q = new byte[XfsQuotaAbi.DISK_QUOTA_SIZE];
    try {
      quotas.quotactl(XfsQuotaAbi.qcmd(XfsQuotaAbi.Q_XGETQUOTA, XfsQuotaAbi.PRJQUOTA), device, id, q);
    } catch (PosixException e) {
      if (e.errno() != PosixException.ENOENT) {
        throw e;
      }
      return new byte[XfsQuotaAbi.DISK_QUOTA_SIZE];
    }
    return q;
  }

  /** Lifts both limits of a removed layer's project. */
  public void clear(int id) throws PosixException {
    limit(id, 0, 0);
  }
}
