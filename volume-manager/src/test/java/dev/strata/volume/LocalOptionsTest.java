package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The local driver's options, checked as Docker checks them. */
class LocalOptionsTest {

  /** Option sets Docker's local driver takes: none, a size, a tmpfs, a CIFS share with credentials. */
  static Stream<Map<String, String>> knownOptions() {
    return Stream.of(
        Map.of(),
        Map.of("size", "10m"),
        Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=1m,uid=1000"),
        Map.of("type", "cifs", "device", "//127.0.0.1/share", "o", "username=u,password=p"));
  }

  @ParameterizedTest
  @MethodSource("knownOptions")
  void validate_knownOptions_accepts(Map<String, String> options) {
    assertDoesNotThrow(() -> LocalOptions.validate(options), () -> "refused " + options);
  }

  @Test
  void validate_unknownKey_throwsInvalidOption() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("foo", "bar")));
    assertTrue(e.getMessage().startsWith("invalid option: \"foo\""), e.getMessage());
    assertEquals("foo", e.subject());
  }

  @Test
  void validate_deviceWithoutType_throwsMissingType() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("device", "/dev/sdb1")));
    assertTrue(e.getMessage().startsWith("missing required option: \"type\""), e.getMessage());
  }

  @Test
  void validate_typeWithoutDevice_throwsMissingDevice() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("type", "tmpfs")));
    assertTrue(e.getMessage().startsWith("missing required option: \"device\""), e.getMessage());
  }

  @Test
  void validate_oWithoutTypeAndDevice_throwsMissingRequiredOption() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("o", "size=1m")));
    assertTrue(e.getMessage().startsWith("missing required option"), e.getMessage());
  }

  @Test
  void validate_sizeNotASize_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("size", "abc")));
    assertTrue(e.getMessage().contains("size=abc"), e.getMessage());
  }

  @Test
  void validate_sizeZero_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> LocalOptions.validate(Map.of("size", "0")));
  }

  @Test
  void validate_emptyValue_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> LocalOptions.validate(Map.of("size", "")));
  }

  @Test
  void validate_cifsDeviceWithPort_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> LocalOptions.validate(Map.of("type", "cifs", "device", "//127.0.0.1:445/share")));
    assertTrue(e.getMessage().startsWith("port not allowed in CIFS device URL"), e.getMessage());
    assertEquals("device", e.subject());
  }

  @Test
  void validate_passwordInOptionsWithBadDevice_neverQuotesPassword() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> LocalOptions.validate(
        Map.of("type", "cifs", "device", "//127.0.0.1:445/share", "o", "username=u,password=hunter2")));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void mountOptions_commaList_splits() {
    assertEquals(List.of("size=1m", "uid=1000"), LocalOptions.mountOptions(Map.of("o", "size=1m,uid=1000")));
    assertEquals(List.of(), LocalOptions.mountOptions(Map.of()));
  }

  @Test
  void isBind_bindOrRbindOrTypeBind_true() {
    assertTrue(LocalOptions.isBind(Map.of("type", "none", "device", "/x", "o", "bind")));
    assertTrue(LocalOptions.isBind(Map.of("type", "none", "device", "/x", "o", "ro,rbind")));
    assertTrue(LocalOptions.isBind(Map.of("type", "bind", "device", "/x")));
    assertFalse(LocalOptions.isBind(Map.of("type", "tmpfs", "device", "tmpfs")));
  }

  @Test
  void needsMount_typeOrDevice_true() {
    assertTrue(LocalOptions.needsMount(Map.of("type", "tmpfs", "device", "tmpfs")));
    assertFalse(LocalOptions.needsMount(Map.of("size", "1m")));
    assertFalse(LocalOptions.needsMount(Map.of()));
  }

  @Test
  void mask_passwords_replacedByStars() {
    assertEquals("username=u,password=********,vers=3", Passwords.mask("username=u,password=hunter2,vers=3"));
    assertEquals("pass=********", Passwords.mask("pass=hunter2"));
    assertEquals("user=u,passwd=********", Passwords.mask("user=u,passwd=hunter2"));
    assertEquals("size=1m", Passwords.mask("size=1m"));
  }

  @Test
  void printableOptions_passwordInO_masked() {
    Volume v = new Volume("share", "local", Path.of("/v/share/_data"), Instant.EPOCH, Map.of(),
        Map.of("type", "cifs", "device", "//h/s", "o", "username=u,password=hunter2"), Set.of(), Set.of());

    assertEquals(Map.of("type", "cifs", "device", "//h/s", "o", "username=u,password=********"),
        v.printableOptions());
    assertFalse(v.printableOptions().toString().contains("hunter2"));
    assertEquals("username=u,password=hunter2", v.options().get("o"));
  }
}
