package dev.strata.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StockKernelTest {

  @TempDir Path tmp;

  @Test
  void find_cloudKernelBesideOthers_picksTheOneWithVirtiofs() throws IOException {
    kernel("6.18.0-host", "kernel/fs/fuse/fuse.ko:\n");
    kernel("6.1.0-57-cloud-amd64", "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko\nkernel/fs/fuse/fuse.ko:\n");
    kernel("6.1.0-57-amd64", "kernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko\n");

    StockKernel k = StockKernel.find(tmp.resolve("boot"), tmp.resolve("modules"));

    assertEquals("6.1.0-57-cloud-amd64", k.release());
    assertEquals(tmp.resolve("boot/vmlinuz-6.1.0-57-cloud-amd64"), k.image());
  }

  @Test
  void find_noKernelWithVirtiofs_namesThePackageToInstall() throws IOException {
    kernel("6.18.0-host", "kernel/fs/fuse/fuse.ko:\n");

    NoSuchFileException e = assertThrows(NoSuchFileException.class,
        () -> StockKernel.find(tmp.resolve("boot"), tmp.resolve("modules")));

    assertTrue(e.getMessage().contains("apt-get install --no-install-recommends linux-image-cloud-amd64"), e.getMessage());
  }

  @Test
  void moduleFiles_inOrderSkippingBuiltins_andMissingOneNamed() throws IOException {
    kernel("6.1.0-cloud-amd64", "kernel/drivers/virtio/virtio_ring.ko:\nkernel/fs/fuse/virtiofs.ko: kernel/fs/fuse/fuse.ko\n"
        + "kernel/drivers/char/hw_random/virtio-rng.ko:\n");
    Files.writeString(tmp.resolve("modules/6.1.0-cloud-amd64/modules.builtin"), "kernel/fs/fuse/fuse.ko\n");
    StockKernel k = StockKernel.find(tmp.resolve("boot"), tmp.resolve("modules"));
    Path modules = tmp.resolve("modules/6.1.0-cloud-amd64");

    assertEquals(List.of(modules.resolve("kernel/fs/fuse/virtiofs.ko"), modules.resolve("kernel/drivers/virtio/virtio_ring.ko"),
            modules.resolve("kernel/drivers/char/hw_random/virtio-rng.ko")),
        k.moduleFiles(List.of("virtiofs", "fuse", "virtio_ring", "virtio_rng")));
    NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> k.moduleFiles(List.of("virtio_pci")));
    assertTrue(e.getMessage().contains("has no module virtio_pci"), e.getMessage());
  }

  private void kernel(String release, String modulesDep) throws IOException {
    Files.createDirectories(tmp.resolve("boot"));
    Files.writeString(tmp.resolve("boot/vmlinuz-" + release), "kernel image");
    Path modules = Files.createDirectories(tmp.resolve("modules").resolve(release));
    Files.writeString(modules.resolve("modules.dep"), modulesDep);
  }
}
