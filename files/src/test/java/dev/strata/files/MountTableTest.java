package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountTableTest {

  @TempDir Path dir;

  private static final String ROOT = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n";
  private static final String DATA = "40 22 0:45 / /srv/c/rootfs/data rw - tmpfs tmpfs rw,size=64k\n";
  private static final String SPACED = "41 22 8:1 /v /srv/c/rootfs/my\\040vol rw - ext4 /dev/sda1 rw\n";

  /** A mountinfo whose third mount point is the bytes {@code /mnt/caf\xe9}: not UTF-8. */
  private Path table() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes((ROOT + DATA).getBytes(StandardCharsets.US_ASCII));
    b.writeBytes("42 22 0:46 / /mnt/caf".getBytes(StandardCharsets.US_ASCII));
    b.write(0xe9);
    b.writeBytes(" rw - tmpfs tmpfs rw\n".getBytes(StandardCharsets.US_ASCII));
    b.writeBytes(SPACED.getBytes(StandardCharsets.US_ASCII));
    Path f = dir.resolve("mountinfo");
    Files.write(f, b.toByteArray());
    return f;
  }

  @Test
  void mountPointsUnder_tableWithANameThatIsNotUtf8_readsEveryOtherMount() throws IOException {
    MountTable t = new MountTable(table());
    assertEquals(List.of(Path.of("/srv/c/rootfs/data"), Path.of("/srv/c/rootfs/my vol")),
        t.mountPointsUnder(Path.of("/srv/c/rootfs")));
  }

  @Test
  void holding_tableWithANameThatIsNotUtf8_findsTheDeepestMount() throws IOException {
    Optional<MountTable.Entry> e = new MountTable(table()).holding(Path.of("/srv/c/rootfs/data/f"));
    assertEquals(Optional.of(new MountTable.Entry(Path.of("/srv/c/rootfs/data"), "tmpfs", "tmpfs",
        List.of("rw", "size=64k"))), e);
  }
}
