package dev.strata.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A power cut on a loop filesystem stops it at once and keeps what was made durable. (That it
 * loses what only the page cache held is the point, but not asserted: background writeback may
 * reach the disk first on a busy machine.)
 */
class LoopFilesystemTest {

  @ParameterizedTest
  @ValueSource(strings = {"xfs", "ext4"})
  void cutPowerThenRemount_failsCallsUntilRemountedThenKeepsFsyncedFile(String type) throws IOException {
    try (LoopFilesystem fs = type.equals("xfs") ? LoopFilesystem.xfs(false) : LoopFilesystem.ext4(64L << 20)) {
      byte[] content = new byte[1 << 20];
      Arrays.fill(content, (byte) 7);
      Path durable = fs.root().resolve("durable");
      try (FileChannel ch = FileChannel.open(durable, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
        ch.write(ByteBuffer.wrap(content));
        ch.force(true);
      }
      try (FileChannel dir = FileChannel.open(fs.root(), StandardOpenOption.READ)) {
        dir.force(true);
      }

      fs.cutPower();

      assertThrows(IOException.class, () -> Files.write(fs.root().resolve("after"), content), "a shut-down filesystem answers EIO");
      fs.remount();
      assertArrayEquals(content, Files.readAllBytes(durable));
      assertFalse(Files.exists(fs.root().resolve("after")));
    }
  }
}
