package dev.strata.guest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * The guest's initial root: a static busybox, the modules that reach the shared root (virtio,
 * fuse, virtiofs) and the {@code init} script. A newc cpio archive, the form the kernel unpacks.
 */
final class Initramfs {

  /** Loaded in this order (each needs the ones before it); built-in ones are skipped. */
  static final List<String> MODULES = List.of("virtio_ring", "virtio", "virtio_pci_legacy_dev",
      "virtio_pci_modern_dev", "virtio_pci", "fuse", "virtiofs");

  private Initramfs() {}

  /**
   * Writes the archive to {@code file}.
   *
   * @param busybox a statically linked busybox (Debian's busybox-static)
   */
  static void write(Path file, StockKernel kernel, Path busybox) throws IOException {
    List<Path> modules = kernel.moduleFiles(MODULES);
    try (OutputStream raw = Files.newOutputStream(file);
        CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(raw, CpioConstants.FORMAT_NEW)) {
      for (String dir : List.of("bin", "dev", "host", "modules", "proc", "sys")) {
        add(cpio, dir, CpioConstants.C_ISDIR | 0755, new byte[0]);
      }
      // The kernel opens /dev/console for init before anything can mount devtmpfs.
      CpioArchiveEntry console = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, "dev/console");
      console.setMode(CpioConstants.C_ISCHR | 0600);
      console.setRemoteDeviceMaj(5);
      console.setRemoteDeviceMin(1);
      cpio.putArchiveEntry(console);
      cpio.closeArchiveEntry();
      add(cpio, "bin/busybox", CpioConstants.C_ISREG | 0755, Files.readAllBytes(busybox));
      int i = 0;
      for (Path module : modules) {
        // Numbered so that the init script's glob loads them in this order.
        String name = String.format("modules/%02d-%s", i++, module.getFileName());
        add(cpio, name, CpioConstants.C_ISREG | 0644, Files.readAllBytes(module));
      }
      add(cpio, "init", CpioConstants.C_ISREG | 0755, initScript());
      cpio.finish();
    }
  }

  private static byte[] initScript() throws IOException {
    try (InputStream in = Initramfs.class.getResourceAsStream("init")) {
      if (in == null) {
        throw new IOException("the init script is missing from the class path");
      }
      return in.readAllBytes();
    }
  }

  private static void add(CpioArchiveOutputStream cpio, String name, long mode, byte[] content)
      throws IOException {
    CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
    e.setMode(mode);
    e.setSize(content.length);
    e.setNumberOfLinks((mode & CpioConstants.S_IFMT) == CpioConstants.C_ISDIR ? 2 : 1);
    cpio.putArchiveEntry(e);
    cpio.write(content);
    cpio.closeArchiveEntry();
  }
}
