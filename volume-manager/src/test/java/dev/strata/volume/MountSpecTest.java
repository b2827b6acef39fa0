package dev.strata.volume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.volume.MountSpec.Propagation;
import dev.strata.volume.MountSpec.Relabel;
import dev.strata.volume.MountSpec.Type;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The record's own invariants, for specs built by hand rather than parsed. */
class MountSpecTest {

  private static final Optional<Propagation> RPRIVATE = Optional.of(Propagation.RPRIVATE);

  static Stream<Arguments> invalidFields() {
    return Stream.of(
        Arguments.of("relative target", (Runnable) () -> bind("/h", "c", RPRIVATE), "mount path must be absolute"),
        Arguments.of("root target", (Runnable) () -> bind("/h", "/", RPRIVATE), "destination can't be '/'"),
        Arguments.of("unclean target", (Runnable) () -> bind("/h", "/c/", RPRIVATE), "target is not clean: '/c/'"),
        Arguments.of("relative bind source", (Runnable) () -> bind("h", "/c", RPRIVATE), "absolute, clean source"),
        Arguments.of("bind without propagation", (Runnable) () -> bind("/h", "/c", Optional.empty()),
            "a bind needs a propagation"),
        Arguments.of("propagation on volume", (Runnable) () -> new MountSpec(Type.VOLUME, Optional.of("data"), "/c",
            false, Relabel.NONE, RPRIVATE, true, false, Map.of(), Map.of(), Optional.empty()),
            "propagation only valid for bind mounts"),
        Arguments.of("copy on bind", (Runnable) () -> new MountSpec(Type.BIND, Optional.of("/h"), "/c", false,
            Relabel.NONE, RPRIVATE, true, false, Map.of(), Map.of(), Optional.empty()),
            "copy modes only valid for volumes"),
        Arguments.of("bad volume name", (Runnable) () -> new MountSpec(Type.VOLUME, Optional.of("a"), "/c", false,
            Relabel.NONE, Optional.empty(), true, false, Map.of(), Map.of(), Optional.empty()),
            "invalid volume name 'a'"),
        Arguments.of("subpath on anonymous", (Runnable) () -> new MountSpec(Type.VOLUME, Optional.empty(), "/c",
            false, Relabel.NONE, Optional.empty(), true, false, Map.of(), Map.of(), Optional.of("x")),
            "subpath only valid for named volumes"),
        Arguments.of("escaping subpath", (Runnable) () -> new MountSpec(Type.VOLUME, Optional.of("data"), "/c",
            false, Relabel.NONE, Optional.empty(), true, false, Map.of(), Map.of(), Optional.of("../x")),
            "subpath is not clean and relative: '../x'"),
        Arguments.of("tmpfs with source", (Runnable) () -> new MountSpec(Type.TMPFS, Optional.of("/h"), "/c", false,
            Relabel.NONE, Optional.empty(), false, false, Map.of(), Map.of(), Optional.empty()),
            "a tmpfs has no source"),
        Arguments.of("empty option key", (Runnable) () -> new MountSpec(Type.VOLUME, Optional.of("data"), "/c",
            false, Relabel.NONE, Optional.empty(), true, false, Map.of("", "v"), Map.of(), Optional.empty()),
            "key is empty"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidFields")
  void new_invalidFields_throwsIllegalArgument(String name, Runnable construct, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, construct::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void new_options_keepInsertionOrderAndAreUnmodifiable() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("size", "1m");
    options.put("noexec", "");
    options.put("mode", "700");
    MountSpec spec = new MountSpec(Type.TMPFS, Optional.empty(), "/run", false, Relabel.NONE, Optional.empty(),
        false, false, options, Map.of(), Optional.empty());
    options.clear();
    assertEquals(List.of("size", "noexec", "mode"), List.copyOf(spec.options().keySet()));
    assertThrows(UnsupportedOperationException.class, () -> spec.options().put("x", "y"));
  }

  @Test
  void anonymous_volumeWithoutSource_isTrue() throws Exception {
    assertTrue(MountSpec.parseVolume("/data").anonymous());
  }

  private static MountSpec bind(String source, String target, Optional<Propagation> propagation) {
    return new MountSpec(Type.BIND, Optional.of(source), target, false, Relabel.NONE, propagation, false, true,
        Map.of(), Map.of(), Optional.empty());
  }
}
