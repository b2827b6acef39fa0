package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The process an image config asks for, read within bounds. */
class ImageProcessTest {

  private static ImageProcess parse(String config) throws CorruptException {
    return ImageProcess.parse(config.getBytes(StandardCharsets.UTF_8), "config");
  }

  @Test
  void parse_fullConfig_readsEveryField() throws CorruptException {
    ImageProcess p = parse("{\"config\":{\"Entrypoint\":[\"/init\"],\"Cmd\":[\"serve\",\"-v\"],"
        + "\"Env\":[\"A=1\"],\"WorkingDir\":\"/srv\",\"User\":\"app:staff\"}}");

    assertEquals(new ImageProcess(List.of("/init"), List.of("serve", "-v"), List.of("A=1"), "/srv", "app:staff"), p);
  }

  @Test
  void args_withCommand_replaceCmdButKeepEntrypoint() throws CorruptException {
    ImageProcess p = parse("{\"config\":{\"Entrypoint\":[\"/init\"],\"Cmd\":[\"serve\"]}}");

    assertEquals(List.of("/init", "serve"), p.args(List.of()));
    assertEquals(List.of("/init", "sh"), p.args(List.of("sh")));
  }

  @Test
  void parse_withoutConfigOrWithNulls_isNone() throws CorruptException {
    assertEquals(ImageProcess.NONE, parse("{}"));
    assertEquals(ImageProcess.NONE, parse("{\"config\":null}"));
    assertEquals(ImageProcess.NONE, parse("{\"config\":{\"Cmd\":null,\"Env\":null,\"User\":null}}"));
  }

  @Test
  void parse_wrongTypes_throwCorruptNamingTheField() {
    CorruptException e = assertThrows(CorruptException.class, () -> parse("{\"config\":{\"Cmd\":\"sh\"}}"));
    assertTrue(e.getMessage().contains("config.Cmd"), e.getMessage());
    assertThrows(CorruptException.class, () -> parse("{\"config\":{\"Env\":[1]}}"));
    assertThrows(CorruptException.class, () -> parse("{\"config\":{\"User\":0}}"));
    assertThrows(CorruptException.class, () -> parse("{\"config\":[]}"));
    assertThrows(CorruptException.class, () -> parse("not json"));
  }

  @Test
  void parse_stringWithNul_throwsCorrupt() {
    CorruptException e = assertThrows(CorruptException.class, () -> parse("{\"config\":{\"Cmd\":[\"a\\u0000b\"]}}"));
    assertTrue(e.getMessage().contains("NUL"), e.getMessage());
  }

  @Test
  void parse_tooManyArguments_throwsCorrupt() {
    String many = "\"x\",".repeat(ImageProcess.MAX_STRINGS) + "\"x\"";
    assertThrows(CorruptException.class, () -> parse("{\"config\":{\"Cmd\":[" + many + "]}}"));
  }

  @Test
  void parse_tooLongString_throwsCorrupt() {
    String longArg = "y".repeat(ImageProcess.MAX_STRING + 1);
    assertThrows(CorruptException.class, () -> parse("{\"config\":{\"WorkingDir\":\"" + longArg + "\"}}"));
  }
}
