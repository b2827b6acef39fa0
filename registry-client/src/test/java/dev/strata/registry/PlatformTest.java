package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PlatformTest {

  @Test
  void parse_withAndWithoutVariant() throws Exception {
    assertEquals(Platform.LINUX_AMD64, Platform.parse("linux/amd64"));
    assertEquals(new Platform("linux", "arm", Optional.of("v7")), Platform.parse("linux/arm/v7"));
    assertEquals("linux/arm/v7", Platform.parse("linux/arm/v7").toString());
  }

  @Test
  void parse_bad_throwsInvalidArgument() {
    for (String bad : new String[] {"linux", "linux/", "Linux/amd64", "a/b/c/d"}) {
      assertThrows(InvalidArgumentException.class, () -> Platform.parse(bad), bad);
    }
  }

  @Test
  void matches_noVariantWanted_acceptsAnyVariant() {
    assertTrue(Platform.LINUX_AMD64.matches("linux", "amd64", Optional.empty()));
    assertTrue(Platform.LINUX_AMD64.matches("linux", "amd64", Optional.of("v3")));
    assertFalse(Platform.LINUX_AMD64.matches("linux", "arm64", Optional.empty()));
    assertFalse(Platform.LINUX_AMD64.matches("windows", "amd64", Optional.empty()));
  }

  @Test
  void matches_variantWanted_needsThatVariantOrArm64Default() {
    Platform v7 = new Platform("linux", "arm", Optional.of("v7"));
    assertTrue(v7.matches("linux", "arm", Optional.of("v7")));
    assertFalse(v7.matches("linux", "arm", Optional.of("v6")));
    assertFalse(v7.matches("linux", "arm", Optional.empty()));
    assertTrue(new Platform("linux", "arm64", Optional.of("v8")).matches("linux", "arm64", Optional.empty()));
  }
}
