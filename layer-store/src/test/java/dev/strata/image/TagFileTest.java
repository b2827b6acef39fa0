package dev.strata.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.files.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TagFileTest {

  @TempDir Path tmp;

  @Test
  void write_tags_useDockersRepositoriesJsonLayoutAndReadBack() throws Exception {
    TagFile file = new TagFile(tmp.resolve("repositories.json"));
    ImageId a = new ImageId(Digest.sha256Of(new byte[] {1}));
    ImageId b = new ImageId(Digest.sha256Of(new byte[] {2}));
    Map<Reference, ImageId> tags = Map.of(Reference.parse("busybox"), a, Reference.parse("busybox:1.36"), a,
        Reference.parse("quay.io/x/y:z"), b);
    file.write(tags);
    assertEquals("{\"Repositories\":{\"busybox\":{\"busybox:1.36\":\"" + a + "\",\"busybox:latest\":\"" + a
        + "\"},\"quay.io/x/y\":{\"quay.io/x/y:z\":\"" + b + "\"}}}", Files.readString(file.path()));
    assertEquals(tags, file.read());
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(file.path()), left.toList(), "no temporaries remain");
    }
  }

  @Test
  void read_missingFile_hasNoTags() throws Exception {
    assertEquals(Map.of(), new TagFile(tmp.resolve("repositories.json")).read());
  }

  @Test
  void read_brokenFile_throwsCorrupt() throws Exception {
    Files.writeString(tmp.resolve("repositories.json"), "{\"Repositories\": [");
    assertThrows(CorruptException.class, () -> new TagFile(tmp.resolve("repositories.json")).read());
  }

  @Test
  void sweep_leftoverTemporaries_areRemoved() throws Exception {
    Files.writeString(tmp.resolve(AtomicFiles.TEMP_PREFIX + "repositories.json-123"), "half");
    Files.writeString(tmp.resolve("keep"), "k");
    AtomicFiles.sweep(tmp);
    try (var left = Files.list(tmp)) {
      assertEquals(List.of(tmp.resolve("keep")), left.toList());
    }
  }
}
