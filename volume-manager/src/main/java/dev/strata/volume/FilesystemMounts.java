package dev.strata.volume;

import dev.strata.driver.Mount;
import dev.strata.driver.Mounter;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import dev.strata.files.MountTable;
import dev.strata.posix.LoopDevice;
import dev.strata.posix.PosixException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Mounts the filesystem a volume's options ask for ({@code type}, {@code device}, {@code o}) on its
 * {@code _data}, as Docker's local driver does with {@code mount(2)}: tmpfs, a bind of a host
 * directory, a block device, a filesystem image (through a loop device that frees itself when
 * unmounted), nfs with {@code addr=} resolved to an address first.
 */
final class FilesystemMounts {

  private final Mounter mounter;
  private final MountTable table;
  private final LoopAttacher loops;

  /** Attaches a filesystem image to a loop device that frees itself at unmount. */
  interface LoopAttacher {
    /** A device now backed by {@code image}; close it once mounted (or detach it on failure). */
    LoopDevice attach(Path image) throws IOException;
  }

  FilesystemMounts(Mounter mounter, MountTable table, LoopAttacher loops) {
    this.mounter = mounter;
    this.table = table;
    this.loops = loops;
  }

  /** The mount {@code options} describe for {@code data}, with sources checked. */
  Mount describe(String volume, Map<String, String> options, Path data) throws IOException {
    String type = options.getOrDefault(LocalOptions.TYPE, "none");
    String device = options.getOrDefault(LocalOptions.DEVICE, "none");
    List<String> o = new ArrayList<>(LocalOptions.mountOptions(options));
    if (LocalOptions.isBind(options)) {
      Path source = Path.of(device);
      if (!source.isAbsolute() || !Files.isDirectory(source)) {
        throw new InvalidArgumentException(volume, "volume " + volume + ": bind device " + device
            + " is not an existing absolute directory");
      }
      if (!o.contains("bind") && !o.contains("rbind")) {
        o.add(0, "rbind");
      }
      return new Mount("bind", device, data, o);
    }
    if (type.startsWith("nfs")) {
      o = resolveAddress(volume, o);
    }
    Path file = Path.of(device);
    if (device.startsWith("/") && Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return new Mount(type, "loop:" + device, data, o);
    }
    return new Mount(type, device, data, o);
  }

  /** Performs {@link #describe}'s mount. */
  void mount(String volume, Map<String, String> options, Path data) throws IOException {
    Mount mount = describe(volume, options, data);
    if (mount.source().startsWith("loop:")) {
      LoopDevice loop = loops.attach(Path.of(mount.source().substring("loop:".length())));
      Mount onDevice = new Mount(mount.type(), loop.path().toString(), mount.target(), mount.options());
      try {
        perform(volume, onDevice);
      } catch (IOException | RuntimeException e) {
        try {
          loop.detach();
        } catch (IOException undo) {
          e.addSuppressed(undo);
        }
        throw e;
      }
      loop.close(); // the mount holds the device now; autoclear frees it at the unmount
      return;
    }
    perform(volume, mount);
  }

  private void perform(String volume, Mount mount) throws IOException {
    try {
      mounter.mount(mount);
    } catch (IOException e) {
      String type = mount.type();
      if (e.getCause() instanceof PosixException p && p.errno() == PosixException.ENODEV) {
        throw new UnsupportedException(volume, "volume " + volume + ": this kernel cannot mount filesystem type '"
            + type + "'", e);
      }
      throw new FailedPreconditionException(volume, "volume " + volume + ": cannot mount " + type + " "
          + mount.source() + ": " + e.getMessage(), e);
    }
  }

  void unmount(Path data) throws IOException {
    mounter.unmount(data);
  }

  /** True when something is mounted exactly at {@code data}. */
  boolean mounted(Path data) throws IOException {
    Optional<MountTable.Entry> entry = table.holding(data);
    return entry.isPresent() && entry.get().mountPoint().equals(data.toAbsolutePath().normalize());
  }

  /** Docker resolves {@code addr=HOST} itself: the kernel's nfs client wants an address. */
  private static List<String> resolveAddress(String volume, List<String> o) throws InvalidArgumentException {
    List<String> resolved = new ArrayList<>();
    for (String option : o) {
      if (option.startsWith("addr=")) {
        String host = option.substring(5);
        try {
          resolved.add("addr=" + InetAddress.getByName(host).getHostAddress());
        } catch (UnknownHostException e) {
          throw new InvalidArgumentException(volume, "volume " + volume + ": cannot resolve addr=" + host, e);
        }
      } else {
        resolved.add(option);
      }
    }
    return resolved;
  }
}
