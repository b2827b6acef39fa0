package dev.strata.volume;

import static dev.strata.volume.Mounts.bind;
import static dev.strata.volume.Mounts.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code -v [src:]dst[:mode]}: Docker's Linux parser rules (reference §1.5, §7 group A). */
class MountSpecParseVolumeTest {

  static Stream<Arguments> validSpecs() {
    return Stream.of(
        Arguments.of("/data", volume(null, "/data", false, Relabel.NONE, true)),
        Arguments.of("/data/", volume(null, "/data", false, Relabel.NONE, true)),
        Arguments.of("/a//b/./c", volume(null, "/a/b/c", false, Relabel.NONE, true)),
        Arguments.of("name:/data", volume("name", "/data", false, Relabel.NONE, true)),
        Arguments.of("relative:/x", volume("relative", "/x", false, Relabel.NONE, true)),
        Arguments.of("n.a_m-e9:/x", volume("n.a_m-e9", "/x", false, Relabel.NONE, true)),
        Arguments.of("name:/data:ro", volume("name", "/data", true, Relabel.NONE, true)),
        Arguments.of("name:/data:rw", volume("name", "/data", false, Relabel.NONE, true)),
        Arguments.of("name:/data:nocopy", volume("name", "/data", false, Relabel.NONE, false)),
        Arguments.of("name:/data:z", volume("name", "/data", false, Relabel.SHARED, true)),
        Arguments.of("name:/data:Z,ro,nocopy", volume("name", "/data", true, Relabel.PRIVATE, false)),
        Arguments.of("name:/data:delegated", volume("name", "/data", false, Relabel.NONE, true)),
        Arguments.of("/host:/ctr", bind("/host", "/ctr", false, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/host/:/ctr/", bind("/host", "/ctr", false, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/h//x/../y:/c", bind("/h/y", "/c", false, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/:/host", bind("/", "/host", false, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/host:/ctr:", bind("/host", "/ctr", false, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/host:/ctr:ro", bind("/host", "/ctr", true, Relabel.NONE, Propagation.RPRIVATE, true)),
        Arguments.of("/host:/ctr:ro,rshared", bind("/host", "/ctr", true, Relabel.NONE, Propagation.RSHARED, true)),
        Arguments.of("/host:/ctr:Z", bind("/host", "/ctr", false, Relabel.PRIVATE, Propagation.RPRIVATE, true)),
        Arguments.of("/host:/ctr:z,slave,cached", bind("/host", "/ctr", false, Relabel.SHARED, Propagation.SLAVE, true)),
        Arguments.of("/host:/ctr:private", bind("/host", "/ctr", false, Relabel.NONE, Propagation.PRIVATE, true)),
        Arguments.of("/host:/ctr:rslave,rw", bind("/host", "/ctr", false, Relabel.NONE, Propagation.RSLAVE, true)),
        Arguments.of("/host:/ctr:shared", bind("/host", "/ctr", false, Relabel.NONE, Propagation.SHARED, true)),
        Arguments.of("/host:/ctr:consistent", bind("/host", "/ctr", false, Relabel.NONE, Propagation.RPRIVATE, true)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpecs")
  void parseVolume_validSpec_returnsExactMount(String spec, MountSpec expected) throws Exception {
    assertEquals(expected, MountSpec.parseVolume(spec));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                        | invalid volume specification: ''
      :                         | the first field is empty
      :/x                       | the first field is empty
      :x:                       | the first field is empty
      ::                        | the first field is empty
      :::                       | too many colons
      /a:/b:ro:x                | too many colons
      /tmp:::                   | too many colons
      /tmp:                     | destination is empty
      tmp:                      | destination is empty
      a::ro                     | destination is empty
      /path:ro                  | mode without source
      /path:rw                  | mode without source
      /path:shared              | mode without source
      path:ro                   | mode without source
      /root/:nocopy             | mode without source
      /path:Z,ro                | mode without source
      /:path                    | mount path must be absolute
      /:../                     | mount path must be absolute
      ./                        | mount path must be absolute
      /tmp:tmp                  | mount path must be absolute
      /path:ro,rw               | mount path must be absolute
      /                         | destination can't be '/'
      /tmp:/                    | destination can't be '/'
      /tmp:/x/..                | destination can't be '/'
      /tmp://                   | destination can't be '/'
      /tmp:/c/../etc            | must not contain '..'
      /tmp:/a\\b                | must not contain '\\'
      /h:/c:sw                  | invalid mode: sw (unknown option 'sw')
      /h:/c:rwz                 | invalid mode: rwz
      /h:/c:RO                  | invalid mode: RO
      name:/c:bogus             | invalid mode: bogus
      name:/c:copy              | invalid mode: copy
      name:/c:default           | invalid mode: default
      /h:/c:ro,                 | invalid mode: ro, (empty option)
      /h:/c:,ro                 | invalid mode: ,ro (empty option)
      /h:/c:ro,,z               | invalid mode: ro,,z (empty option)
      /h:/c:ro,rw               | invalid mode: ro,rw (ro and rw can not be used together)
      /h:/c:ro,ro               | ro given twice
      /h:/c:z,Z                 | z and Z can not be used together
      /h:/c:ro,rshared,rslave   | rshared and rslave can not be used together
      name:/c:nocopy,nocopy     | nocopy given twice
      name:/c:cached,delegated  | cached and delegated can not be used together
      name:/p:shared            | propagation only valid for bind mounts
      name:/p:ro,rprivate       | propagation only valid for bind mounts
      /h:/c:nocopy              | copy modes only valid for volumes
      local/name:/tmp           | use absolute path
      ~/x:/tmp                  | use absolute path
      ./x:/tmp                  | use absolute path
      .hello:/tmp               | includes invalid characters
      hello world:/tmp          | includes invalid characters
      a:/tmp                    | volume name is too short
      """)
  void parseVolume_badSpec_throwsInvalidArgumentQuotingSpec(String spec, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> MountSpec.parseVolume(spec));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid volume specification: '" + spec + "'"), e.getMessage());
    assertEquals(spec, e.subject());
  }
}
