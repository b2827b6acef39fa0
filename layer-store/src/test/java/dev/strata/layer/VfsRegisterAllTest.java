package dev.strata.layer;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** vfs copies each parent: its stack is applied one layer after another. */
class VfsRegisterAllTest extends RegisterAllContract {

  @TempDir Path tmp;

  @Override
  Path base() {
    return tmp;
  }

  @Override
  String driver() {
    return "vfs";
  }
}
