package dev.strata.volume;

import static dev.strata.volume.Mounts.tmpfs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --tmpfs dst[:opts]}: split on the first colon, options checked before the kernel sees them. */
class MountSpecParseTmpfsTest {

  static Stream<Arguments> validSpecs() {
    return Stream.of(
        Arguments.of("/run", tmpfs("/run", false)),
        Arguments.of("/run:", tmpfs("/run", false)),
        Arguments.of("/run/", tmpfs("/run", false)),
        Arguments.of("/run:size=64m,noexec", tmpfs("/run", false, "size=64m", "noexec")),
        Arguments.of("/run:size=65536k", tmpfs("/run", false, "size=64m")),
        Arguments.of("/run:size=1536", tmpfs("/run", false, "size=1536")),
        Arguments.of("/run:size=50%", tmpfs("/run", false, "size=50%")),
        Arguments.of("/run/:mode=0700", tmpfs("/run", false, "mode=700")),
        Arguments.of("/run:ro,size=1g,mode=1777,uid=1000,gid=1000,nr_inodes=10k",
            tmpfs("/run", true, "size=1g", "mode=1777", "uid=1000", "gid=1000", "nr_inodes=10k")),
        Arguments.of("/run:rw,nosuid,nodev,exec,noatime,huge=within_size",
            tmpfs("/run", false, "nosuid", "nodev", "exec", "noatime", "huge=within_size")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpecs")
  void parseTmpfs_validSpec_returnsExactMount(String spec, MountSpec expected) throws Exception {
    assertEquals(expected, MountSpec.parseTmpfs(spec));
  }

  @Test
  void parseTmpfs_options_keepOrderGiven() throws Exception {
    MountSpec spec = MountSpec.parseTmpfs("/run:noexec,mode=1777,size=1m,nosuid");
    assertEquals(List.of("noexec", "mode", "size", "nosuid"), List.copyOf(spec.options().keySet()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                    | field Target must not be empty
      :size=1m              | field Target must not be empty
      run                   | invalid mount path: 'run' mount path must be absolute
      /                     | destination can't be '/'
      /run/..:size=1m       | destination can't be '/'
      /a/../run             | must not contain '..'
      /run:bogus            | invalid option: 'bogus'
      /run:bogus=1          | invalid option: 'bogus=1'
      /run:bind             | invalid option: 'bind'
      /run:Z                | invalid option: 'Z'
      /run:ro,              | invalid option: ''
      '/run:size=1m, noexec' | invalid option: ' noexec'
      /run:size=foo         | invalid value for size: 'foo'
      /run:size=            | invalid value for size: ''
      /run:mode=999         | invalid value for mode: '999'
      /run:mode=rwx         | invalid value for mode: 'rwx'
      /run:uid=root         | invalid value for uid: 'root'
      /run:nr_inodes=lots   | invalid value for nr_inodes: 'lots'
      /run:huge=sometimes   | invalid value for huge: 'sometimes'
      /run:mpol=            | invalid value for mpol: ''
      /run:size=1m,size=2m  | cannot pass 'size' more than once
      /run:noexec,noexec    | cannot pass 'noexec' more than once
      /run:ro,rw            | ro and rw can not be used together
      /run:exec,noexec      | exec and noexec can not be used together
      """)
  void parseTmpfs_badSpec_throwsInvalidArgumentQuotingSpec(String spec, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> MountSpec.parseTmpfs(spec));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid tmpfs '" + spec + "': "), e.getMessage());
    assertEquals(spec, e.subject());
  }
}
