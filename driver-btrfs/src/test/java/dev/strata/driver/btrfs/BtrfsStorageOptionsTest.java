package dev.strata.driver.btrfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class BtrfsStorageOptionsTest {

  private static final LayerId ID = LayerId.of("rw");

  @Test
  void parseSize_suffixes_areBinaryMultiples() throws Exception {
    assertEquals(1024, ByteSizes.parse("size", "1024"));
    assertEquals(512L << 20, ByteSizes.parse("size", "512M"));
    assertEquals(10L << 30, ByteSizes.parse("size", "10g"));
    assertEquals(64L << 20, ByteSizes.parse("size", "64MiB"));
    assertEquals(3L << 29, ByteSizes.parse("size", "1.5G"));
  }

  @Test
  void quota_noOptions_isEmpty() throws Exception {
    assertEquals(OptionalLong.empty(), StorageOptions.quota(ID, Map.of(), true));
  }

  @Test
  void quota_malformedOrTinySize_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class,
        () -> StorageOptions.quota(ID, Map.of("size", "lots"), true));
    assertThrows(InvalidArgumentException.class,
        () -> StorageOptions.quota(ID, Map.of("size", "64"), true));
  }

  @Test
  void quota_unknownKeyOrNoQuotaSupport_throwsUnsupported() {
    var unknown = assertThrows(UnsupportedException.class,
        () -> StorageOptions.quota(ID, Map.of("inodes", "10"), true));
    assertEquals("inodes", unknown.subject());
    assertThrows(UnsupportedException.class,
        () -> StorageOptions.quota(ID, Map.of("size", "1G"), false));
  }
}
