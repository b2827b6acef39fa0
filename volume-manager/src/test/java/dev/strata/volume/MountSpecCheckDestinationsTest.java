package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A container's mounts must not share a destination (§1.4, §7 C.39). Each row is a list of
 * specs separated by {@code ;}, each prefixed by the flag that parses it.
 */
class MountSpecCheckDestinationsTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      -v /a:/data ; -v /b:/data                        | /data
      -v /a:/data ; -v /b:/data/                       | /data
      -v /a:/data ; -v /a:/data:ro                     | /data
      -v /data ; --tmpfs /data                         | /data
      -v name:/data ; --tmpfs /data/:size=1m           | /data
      -v name:/data ; --mount type=volume,src=other,dst=/data | /data
      --mount type=bind,src=/h,dst=/x ; -v /h:/x       | /x
      --tmpfs /run ; --tmpfs /run:noexec               | /run
      -v /a:/one ; -v /b:/two ; -v /c:/one/./          | /one
      """)
  void checkDestinations_sharedTarget_throwsDuplicateMountPoint(String specs, String target) throws Exception {
    List<MountSpec> mounts = parse(specs);
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> MountSpec.checkDestinations(mounts));
    assertTrue(e.getMessage().startsWith("Duplicate mount point: " + target), e.getMessage());
    assertEquals(target, e.subject());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      -v /a:/data ; -v /a:/data
      -v /a:/data ; -v /a/:/data/
      -v /data ; -v /data
      --tmpfs /run:size=1m ; --tmpfs /run:size=1024k
      -v /a:/data ; -v /a:/data/sub ; --tmpfs /run
      -v /h:/x ; --mount type=bind,src=/h,dst=/x,bind-create-src
      """)
  void checkDestinations_distinctTargetsOrIdenticalRepeats_passes(String specs) throws Exception {
    List<MountSpec> mounts = parse(specs);
    assertDoesNotThrow(() -> MountSpec.checkDestinations(mounts));
  }

  private static List<MountSpec> parse(String specs) throws InvalidArgumentException {
    List<MountSpec> mounts = new ArrayList<>();
    for (String item : specs.split(";")) {
      String[] flagAndSpec = item.strip().split(" ", 2);
      mounts.add(switch (flagAndSpec[0]) {
        case "-v" -> MountSpec.parseVolume(flagAndSpec[1]);
        case "--mount" -> MountSpec.parseMount(flagAndSpec[1]);
        case "--tmpfs" -> MountSpec.parseTmpfs(flagAndSpec[1]);
        default -> throw new IllegalArgumentException(item);
      });
    }
    return mounts;
  }
}
