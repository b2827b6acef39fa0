package dev.strata.volume;

import static dev.strata.volume.Mounts.bind;
import static dev.strata.volume.Mounts.ordered;
import static dev.strata.volume.Mounts.tmpfs;
import static dev.strata.volume.Mounts.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --mount} CSV: the docker CLI's splitting and the daemon's checks (§1.5, §1.6, §7 group B). */
class MountSpecParseMountTest {

  static Stream<Arguments> validSpecs() {
    return Stream.of(
        Arguments.of("type=bind,src=/h,dst=/c", bind("/h", "/c", false, Relabel.NONE, Propagation.RPRIVATE, false)),
        Arguments.of("type=bind,source=/h/../x/,target=/c/,readonly,bind-propagation=rslave,bind-create-src",
            bind("/x", "/c", true, Relabel.NONE, Propagation.RSLAVE, true)),
        Arguments.of("TYPE=BIND,SRC=/h,DESTINATION=/c,RO=1,Bind-Propagation=RSHARED",
            bind("/h", "/c", true, Relabel.NONE, Propagation.RSHARED, false)),
        Arguments.of("type=bind,src=/h,dst=/c,bind-create-src=false,readonly=0",
            bind("/h", "/c", false, Relabel.NONE, Propagation.RPRIVATE, false)),
        Arguments.of("type=bind,src=/h,dst=/c,bind-recursive=enabled",
            bind("/h", "/c", false, Relabel.NONE, Propagation.RPRIVATE, false)),
        Arguments.of("type=bind,src=/h,dst=/c,bind-recursive=disabled",
            bind("/h", "/c", false, Relabel.NONE, Propagation.RPRIVATE, false, Map.of("bind-recursive", "disabled"))),
        Arguments.of("type=bind,src=/h,dst=/c,ro,bind-recursive=writable",
            bind("/h", "/c", true, Relabel.NONE, Propagation.RPRIVATE, false, Map.of("bind-recursive", "writable"))),
        Arguments.of("type=bind,src=/h,dst=/c,ro,bind-recursive=readonly,bind-propagation=rprivate",
            bind("/h", "/c", true, Relabel.NONE, Propagation.RPRIVATE, false, Map.of("bind-recursive", "readonly"))),
        Arguments.of("type=bind,src=/h,dst=/c,relabel=private",
            bind("/h", "/c", false, Relabel.PRIVATE, Propagation.RPRIVATE, false)),
        Arguments.of("target=/c", volume(null, "/c", false, Relabel.NONE, true)),
        Arguments.of("type=volume,target=/c,readonly=true", volume(null, "/c", true, Relabel.NONE, true)),
        Arguments.of("src=data,dst=/c,volume-nocopy", volume("data", "/c", false, Relabel.NONE, false)),
        Arguments.of("src=data,dst=/c,volume-nocopy=false", volume("data", "/c", false, Relabel.NONE, true)),
        Arguments.of("src=data,dst=/c,relabel=shared", volume("data", "/c", false, Relabel.SHARED, true)),
        Arguments.of("src=data,dst=/c,consistency=cached,volume-driver=local",
            volume("data", "/c", false, Relabel.NONE, true)),
        Arguments.of("src=data,dst=/c,\"volume-opt=o=addr=1.2.3.4,rw\",volume-opt=type=nfs,volume-label=a=b,"
            + "volume-label=c", volume("data", "/c", ordered("o", "addr=1.2.3.4,rw", "type", "nfs"),
                ordered("a", "b", "c", ""), null)),
        Arguments.of("src=data,dst=/c,volume-subpath=a/./b/", volume("data", "/c", Map.of(), Map.of(), "a/b")),
        Arguments.of("src=data,dst=/c,volume-subpath=.", volume("data", "/c", Map.of(), Map.of(), null)),
        Arguments.of("\"target=/with \"\"quote\"\"\",src=data",
            volume("data", "/with \"quote\"", false, Relabel.NONE, true)),
        Arguments.of("type=tmpfs,dst=/c,tmpfs-size=64MB,tmpfs-mode=1777", tmpfs("/c", false, "size=64m", "mode=1777")),
        Arguments.of("type=tmpfs,dst=/c,tmpfs-mode=0700,tmpfs-size=1536k", tmpfs("/c", false, "mode=700", "size=1536k")),
        Arguments.of("type=tmpfs,dst=/c,tmpfs-size=1g,readonly", tmpfs("/c", true, "size=1g")),
        Arguments.of("type=tmpfs,dst=/c", tmpfs("/c", false)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validSpecs")
  void parseMount_validSpec_returnsExactMount(String spec, MountSpec expected) throws Exception {
    assertEquals(expected, MountSpec.parseMount(spec));
  }

  @Test
  void parseMount_tmpfsOptions_keepOrderGiven() throws Exception {
    MountSpec spec = MountSpec.parseMount("type=tmpfs,dst=/c,tmpfs-mode=700,tmpfs-size=1m");
    assertEquals(List.of("mode", "size"), List.copyOf(spec.options().keySet()));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiter = '|', textBlock = """
      ''                                                   | spec is empty
      type=volume,src=data                                 | field Target must not be empty
      src=/x                                               | field Target must not be empty
      type=bind,target=/x                                  | invalid mount config for type "bind": field Source must not be empty
      type=tmpfs,src=/x,target=/x                          | invalid mount config for type "tmpfs": field Source must not be specified
      type=image,target=/x                                 | invalid mount config for type "image": mount type unknown
      type=bogus,target=/x                                 | mount type unknown
      type=volume,target=/x,bind-propagation=shared        | cannot mix 'bind-*' options with mount type 'volume'
      target=/x,bind-create-src                            | cannot mix 'bind-*' options with mount type 'volume'
      type=bind,src=/h,target=/x,volume-nocopy             | cannot mix 'volume-*' options with mount type 'bind'
      type=bind,src=/h,target=/x,tmpfs-size=1m             | cannot mix 'tmpfs-*' options with mount type 'bind'
      type=tmpfs,target=/x,volume-opt=a=b                  | cannot mix 'volume-*' options with mount type 'tmpfs'
      type=bind,src=/h,target=/x,bind-propagation=bogus    | invalid propagation mode: bogus
      type=bind,src=/h,target=/x,bind-propagation=runbindable | invalid propagation mode: runbindable
      type=bind,src=/h,target=/x,bind-recursive=writable   | option 'bind-recursive=writable' requires 'readonly'
      type=bind,src=/h,target=/x,bind-recursive=readonly   | option 'bind-recursive=readonly' requires 'readonly'
      type=bind,src=/h,target=/x,ro,bind-recursive=readonly | requires 'bind-propagation=rprivate'
      type=bind,src=/h,target=/x,bind-recursive=sometimes  | invalid value for bind-recursive: 'sometimes'
      type=bind,src=/h,target=/x,bind-nonrecursive        | use bind-recursive=disabled
      type=bind,src=/h,target=/x,bind-nonrecursive=true   | use bind-recursive=disabled
      type=bind,src=./h,target=/x                          | invalid mount path: './h' bind source path must be absolute
      type=bind,src=h,target=/x                            | invalid mount path: 'h' bind source path must be absolute
      target=/x,bogus=1                                    | unknown option 'bogus' in 'bogus=1'
      target=/x,bogus                                      | invalid field 'bogus' must be a key=value pair
      target=/x,type                                       | invalid field 'type' must be a key=value pair
      target=/x,src=                                       | invalid field 'src=': the value is empty
      src =/x,target=/y                                    | invalid field 'src =/x': whitespace around the key
      src= /x,target=/y                                    | invalid field 'src= /x': whitespace around the value
      'target=/x, readonly'                                | invalid field ' readonly': whitespace around the key
      'target=/x,src=data '                                | invalid field 'src=data ': whitespace around the value
      target=/x,readonly=no                                | invalid value for readonly: 'no' (must be 1, true, 0 or false)
      target=/x,ro=yes                                     | invalid value for readonly: 'yes'
      target=/x,volume-nocopy=TRUE                         | invalid value for volume-nocopy: 'TRUE'
      type=bind,src=/h,target=/x,bind-create-src=on        | invalid value for bind-create-src: 'on'
      type=tmpfs,target=/x,tmpfs-size=foo                  | invalid value for size: 'foo'
      type=tmpfs,target=/x,tmpfs-size=-1                   | invalid value for size: '-1'
      type=tmpfs,target=/x,tmpfs-mode=foo                  | invalid value for mode: 'foo'
      type=tmpfs,target=/x,tmpfs-mode=0800                 | invalid value for mode: '0800'
      type=tmpfs,target=/x,tmpfs-mode=77777                | invalid value for mode: '77777'
      target=/x,volume-subpath=a                           | must not set Subpath when using anonymous volumes
      src=data,target=/x,volume-subpath=/abs               | subpath must be a relative path within the volume: '/abs'
      src=data,target=/x,volume-subpath=../x               | subpath must be a relative path within the volume: '../x'
      src=data,target=/x,volume-subpath=a/../b             | subpath must be a relative path within the volume: 'a/../b'
      src=a,src=b,target=/x                                | cannot pass 'source' more than once
      src=a,source=b,target=/x                             | cannot pass 'source' more than once
      target=/x,dst=/y                                     | cannot pass 'target' more than once
      target=/x,ro,readonly                                | cannot pass 'readonly' more than once
      type=bind,type=volume,target=/x                      | cannot pass 'type' more than once
      src=data,target=/x,relabel=bogus                     | invalid value for relabel: 'bogus' (must be shared or private)
      src=data,target=/x,relabel=Z                         | invalid value for relabel: 'Z'
      src=data,target=/x,relabel                           | invalid field 'relabel' must be a key=value pair
      type=tmpfs,target=/x,relabel=shared                  | relabel only valid for bind and volume mounts
      src=data,target=/x,volume-label==v                   | the volume-label key is empty
      src=data,target=/x,volume-opt==v                     | the volume-opt key is empty
      src=data,target=/x,volume-opt=o                      | volume-opt must be key=value
      src=data,target=/x,volume-opt=o=a,volume-opt=o=b     | cannot pass volume-opt 'o' more than once
      src=data,target=/x,volume-label=a,volume-label=a=b   | cannot pass volume-label 'a' more than once
      src=data,target=/x,volume-driver=nfs                 | invalid value for volume-driver: 'nfs'
      src=data,target=/x,consistency=fast                  | invalid value for consistency: 'fast'
      src=data,target=/                                    | destination can't be '/'
      src=data,target=/x/..                                | destination can't be '/'
      src=data,target=rel                                  | invalid mount path: 'rel' mount path must be absolute
      src=data,target=/x/../etc                            | must not contain '..'
      src=a,target=/x                                      | volume name is too short
      src=local/name,target=/x                             | use absolute path
      target=/x,,src=data                                  | invalid field '': the key is empty
      target=/x,=data                                      | invalid field '=data': the key is empty
      target="/x                                           | bare " in non-quoted field
      "target=/x                                           | extraneous or missing " in quoted field
      "target=/x"y,src=data                                | extraneous or missing " in quoted field
      """)
  void parseMount_badSpec_throwsInvalidArgumentQuotingSpec(String spec, String expected) {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> MountSpec.parseMount(spec));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertTrue(e.getMessage().startsWith("invalid mount '" + spec + "': "), e.getMessage());
    assertEquals(spec, e.subject());
  }

  @Test
  void parseMount_lineBreakOutsideQuotes_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> MountSpec.parseMount("target=/x\nsrc=data"));
    assertTrue(e.getMessage().contains("a line break outside quotes"), e.getMessage());
  }
}
