package dev.strata.layer;

import dev.strata.testing.LoopFilesystem;
import dev.strata.testing.SharedLoopFilesystem;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** btrfs snapshots each parent: its stack is applied one layer after another. */
class BtrfsRegisterAllTest extends RegisterAllContract {

  @RegisterExtension final SharedLoopFilesystem btrfs = SharedLoopFilesystem.of(LoopFilesystem::btrfs);

  @TempDir Path tmp;

  @Override
  Path base() throws IOException {
    return btrfs.get().mirror(tmp);
  }

  @Override
  String driver() {
    return "btrfs";
  }
}
