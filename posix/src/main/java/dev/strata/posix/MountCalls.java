package dev.strata.posix;

import java.nio.file.Path;

/** {@code mount(2)} and {@code umount2(2)}, called directly: no {@code /bin/mount} process. */
public final class MountCalls {

  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_SYNCHRONOUS = 16;
  public static final long MS_REMOUNT = 32;
  public static final long MS_MANDLOCK = 64;
  public static final long MS_DIRSYNC = 128;
  public static final long MS_NOSYMFOLLOW = 256;
  public static final long MS_NOATIME = 1024;
  public static final long MS_NODIRATIME = 2048;
  public static final long MS_BIND = 4096;
  public static final long MS_MOVE = 8192;
  public static final long MS_REC = 16384;
  public static final long MS_SILENT = 32768;
  public static final long MS_UNBINDABLE = 1 << 17;
  public static final long MS_PRIVATE = 1 << 18;
  public static final long MS_SLAVE = 1 << 19;
  public static final long MS_SHARED = 1 << 20;
  public static final long MS_RELATIME = 1 << 21;
  public static final long MS_STRICTATIME = 1 << 24;
  public static final long MS_LAZYTIME = 1 << 25;

  public static final int MNT_FORCE = 1;
  public static final int MNT_DETACH = 2;
  public static final int UMOUNT_NOFOLLOW = 8;

  private final LibC libc = Native.LIBC;

  public void mount(String source, Path target, String fstype, long flags, String data)
      throws PosixException {
    String t = target.toString();
    Errors.check(libc.mount(source, t, fstype, flags, data), "mount", fstype + " on " + t);
  }

  public void umount(Path target, int flags) throws PosixException {
    String t = target.toString();
    Errors.check(libc.umount2(t, flags), "umount2", t);
  }
}
