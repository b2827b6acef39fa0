package dev.strata.layer;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** overlay2 applies a stack's layers side by side. */
class Overlay2RegisterAllTest extends RegisterAllContract {

  @TempDir Path tmp;

  @Override
  Path base() {
    return tmp;
  }

  @Override
  String driver() {
    return "overlay2";
  }
}
