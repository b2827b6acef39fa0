package dev.strata.snapshotter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vendored protos are containerd v1.6.20's as Debian ships them (package
 * golang-github-containerd-containerd-dev), with a header and exactly the gogoproto import and
 * options removed: a change to either side shows here.
 */
class VendoredProtosTest {

  private static final Path DEBIAN = Path.of("/usr/share/gocode/src/github.com/containerd/containerd");
  private static final Path VENDORED = Path.of("src/main/proto/github.com/containerd/containerd");

  @ParameterizedTest
  @ValueSource(strings = {"api/services/snapshots/v1/snapshots.proto", "api/types/mount.proto"})
  void vendoredProto_equalsDebiansWithoutGogoproto(String file) throws IOException {
    List<String> debian = Files.readAllLines(DEBIAN.resolve(file));
    List<String> vendored = Files.readAllLines(VENDORED.resolve(file));
    int header = 0;
    while (vendored.get(header).startsWith("//")) {
      header++;
    }
    assertTrue(String.join("\n", vendored.subList(0, header)).contains("containerd v1.6.20"), "header names the origin");
    assertEquals("", vendored.get(header), "a blank line ends the header");
    assertEquals(stripGogoproto(debian), vendored.subList(header + 1, vendored.size()));
  }

  /** The one transformation vendoring applied: the weak import, option lines and bracketed options of gogoproto. */
  private static List<String> stripGogoproto(List<String> lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      String t = line.strip();
      if (t.equals("import weak \"gogoproto/gogo.proto\";") || t.matches("option \\(gogoproto\\.[^)]*\\) = .*;")) {
        continue;
      }
      out.add(line.replaceAll(" \\[\\(gogoproto\\.[^]]*]", ""));
    }
    return out;
  }
}
