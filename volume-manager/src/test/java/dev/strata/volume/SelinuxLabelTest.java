package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SelinuxLabelTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "system_u:object_r:container_file_t:s0",
      "system_u:object_r:container_file_t:s0:c1,c2",
      "system_u:object_r:container_file_t:s0:c1022,c1023",
      "unconfined_u:object_r:user_home_t:s0-s0:c0.c1023",
      "system_u:system_r:container_t:s0:c1,c5.c9"})
  void parse_validContext_roundTrips(String context) throws Exception {
    assertEquals(context, SelinuxLabel.parse(context).toString());
  }

  @Test
  void parse_levelWithColon_keepsItWhole() throws Exception {
    SelinuxLabel label = SelinuxLabel.parse("system_u:object_r:container_file_t:s0:c1,c2");

    assertEquals(
        new SelinuxLabel("system_u", "object_r", "container_file_t", "s0:c1,c2"), label);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "", "system_u", "system_u:object_r:container_file_t", "system_u:object_r::s0",
      ":object_r:container_file_t:s0", "system_u:object_r:container_file_t:",
      "system_u:object_r:container_file_t:c1", "system_u:object_r:container_file_t:s0:",
      "system_u:object_r:container_file_t:s0:c1,", "system_u:object_r:container file:s0",
      "system_u:object_r:container_file_t:s0\n", "system_u:object_r:container_file_t:s0:c1:c2"})
  void parse_malformed_throwsInvalidArgumentQuotingIt(String context) {
    InvalidArgumentException e =
        assertThrows(InvalidArgumentException.class, () -> SelinuxLabel.parse(context));

    assertTrue(e.getMessage().contains("'" + context + "'") || context.isEmpty(), e.getMessage());
  }

  @Test
  void parse_null_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> SelinuxLabel.parse(null));
  }

  @Test
  void constructor_badType_throwsQuotingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SelinuxLabel.CONTAINER_FILE.withType("bad:type"));

    assertTrue(e.getMessage().contains("'bad:type'"), e.getMessage());
  }

  @Test
  void withLevel_privatePair_replacesOnlyLevel() {
    assertEquals("system_u:object_r:container_file_t:s0:c3,c9",
        SelinuxLabel.CONTAINER_FILE.withLevel("s0:c3,c9").toString());
  }

  @Test
  void containerFile_otherType_keepsUserRoleAndSharedLevel() {
    assertEquals("system_u:object_r:svirt_sandbox_file_t:s0",
        SelinuxLabel.containerFile("svirt_sandbox_file_t").toString());
  }

  @Test
  void containerFile_default_isContainerFileTypeAtS0() {
    assertEquals("system_u:object_r:container_file_t:s0", SelinuxLabel.CONTAINER_FILE.toString());
  }

  @Test
  void xattrValue_any_isContextAndTrailingNulLikeLibselinux() {
    byte[] expected = "system_u:object_r:container_file_t:s0\0".getBytes(StandardCharsets.US_ASCII);

    assertArrayEquals(expected, SelinuxLabel.CONTAINER_FILE.xattrValue());
  }

  @Test
  void matches_withAndWithoutNul_bothTrue() {
    byte[] plain = "system_u:object_r:container_file_t:s0".getBytes(StandardCharsets.US_ASCII);

    assertTrue(SelinuxLabel.CONTAINER_FILE.matches(plain));
    assertTrue(SelinuxLabel.CONTAINER_FILE.matches(SelinuxLabel.CONTAINER_FILE.xattrValue()));
  }

  @Test
  void matches_otherLevel_false() {
    byte[] other = "system_u:object_r:container_file_t:s0:c1,c2\0".getBytes(StandardCharsets.US_ASCII);

    assertFalse(SelinuxLabel.CONTAINER_FILE.matches(other));
    assertFalse(SelinuxLabel.CONTAINER_FILE.matches(new byte[0]));
  }

  @Test
  void mountLabels_forEachMode_sharedPrivateOrNone() {
    SelinuxMountLabels labels = new SelinuxMountLabels(SelinuxLabel.CONTAINER_FILE);
    McsPair pair = new McsPair(4, 917);

    assertEquals(Optional.empty(), labels.forMount(MountSpec.Relabel.NONE, pair));
    assertEquals("system_u:object_r:container_file_t:s0",
        labels.forMount(MountSpec.Relabel.SHARED, pair).orElseThrow().toString());
    assertEquals("system_u:object_r:container_file_t:s0:c4,c917",
        labels.forMount(MountSpec.Relabel.PRIVATE, pair).orElseThrow().toString());
  }

  @Test
  void mountLabels_sharedFromPrivateFileLabel_dropsCategories() throws Exception {
    SelinuxMountLabels labels =
        new SelinuxMountLabels(SelinuxLabel.parse("system_u:object_r:container_file_t:s0:c1,c2"));

    assertEquals("system_u:object_r:container_file_t:s0", labels.shared().toString());
  }
}
