package dev.strata.driver.overlay2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.ByteSizes;
import dev.strata.driver.LayerId;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.UnsupportedException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code size=} and {@code inodes=} as Docker's {@code --storage-opt} spells them. No root needed. */
class Overlay2StorageOptionsTest {

  private static final LayerId RW = LayerId.of("rw");

  @ParameterizedTest
  @CsvSource({
      "50M, 52428800", "50m, 52428800", "50MiB, 52428800", "50mb, 52428800", "50 M, 52428800",
      "2048k, 2097152", "2048KiB, 2097152", "1g, 1073741824", "1GiB, 1073741824",
      "1.5G, 1610612736", "1048576, 1048576", "1T, 1099511627776"})
  void parseSize_dockerUnits_binaryBytes(String value, long bytes) throws InvalidArgumentException {
    assertEquals(bytes, ByteSizes.parse("size", value));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "M", "50Q", "-5M", "5 0M", "ten", "50MM", "0x10"})
  void parseSize_malformed_throwsInvalidArgumentQuotingValue(String value) {
    var e = assertThrows(InvalidArgumentException.class, () -> ByteSizes.parse("size", value));
    assertTrue(e.getMessage().contains("size=" + value + " "), e.getMessage());
  }

  @Test
  void limits_sizeAndInodes_bothKept() throws Exception {
    assertEquals(Optional.of(new StorageOptions.Limits(50L << 20, 1000)),
        StorageOptions.limits(RW, Map.of("size", "50M", "inodes", "1000"), Optional.empty()));
  }

  @Test
  void limits_noOptions_empty() throws Exception {
    assertEquals(Optional.empty(), StorageOptions.limits(RW, Map.of(), Optional.of("not xfs")));
  }

  @Test
  void limits_sizeBelow1M_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class,
        () -> StorageOptions.limits(RW, Map.of("size", "64"), Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "many", "1.5"})
  void limits_badInodes_throwsInvalidArgumentQuotingValue(String value) {
    var e = assertThrows(InvalidArgumentException.class,
        () -> StorageOptions.limits(RW, Map.of("inodes", value), Optional.empty()));
    assertTrue(e.getMessage().contains("inodes=" + value), e.getMessage());
  }

  @Test
  void limits_badSizeWhereUnsupported_throwsInvalidArgumentFirst() {
    assertThrows(InvalidArgumentException.class,
        () -> StorageOptions.limits(RW, Map.of("size", "huge"), Optional.of("not xfs")));
  }

  @Test
  void limits_sizeWhereUnsupported_throwsUnsupportedWithReason() {
    var e = assertThrows(UnsupportedException.class,
        () -> StorageOptions.limits(RW, Map.of("size", "50M"), Optional.of("/x is on ext4, not xfs")));
    assertTrue(e.getMessage().contains("size=50M") && e.getMessage().contains("not xfs"), e.getMessage());
  }
}
