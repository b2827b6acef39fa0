package dev.strata.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.Change;
import dev.strata.driver.Change.Kind;
import dev.strata.posix.RawNames;
import dev.strata.testing.LayerTarBuilder;
import dev.strata.testing.ListedNames;
import dev.strata.testing.TreeSnapshot;
import dev.strata.testing.TreeSnapshot.Times;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * File names are bytes: names that are not UTF-8 (and two spellings of one word that UTF-8 keeps
 * apart) survive apply, mount, diff, re-apply and {@code changes} byte for byte. Names here are
 * raw strings ({@link RawNames}: one char per byte); what is on disk is read with {@code find}, so
 * no Java decoding stands between the test and the bytes.
 */
public interface NamesContract extends DriverContract {

  /**
   * {@code \xff\xfe}; a lone continuation byte; Latin-1 {@code caf\xe9}; an overlong encoding of
   * {@code /} (C0 AF), which must stay inside one name; the same word in NFC and in NFD.
   */
  List<String> NAMES = List.of(
      "invalid-utf8-\u00ff\u00fe",
      "lone-\u0080",
      "caf\u00e9",
      "overlong-\u00c0\u00af",
      RawNames.ofText("\u00e9t\u00e9"),
      RawNames.ofText("e\u0301te\u0301"));

  /** Each name as a file, a directory with a child, a symlink target, a hardlink, and to be whited out or made opaque. */
  private static LayerTarBuilder base(LayerTarBuilder tar) {
    for (String n : NAMES) {
      tar.file("f-" + n, "content of " + n, 0644)
          .dir("d-" + n, 0755)
          .file("d-" + n + "/" + n, "child", 0600)
          .symlink("s-" + n, "d-" + n + "/" + n)
          .hardlink("h-" + n, "f-" + n)
          .file("w-" + n, "to be whited out", 0644)
          .dir("o-" + n, 0755)
          .file("o-" + n + "/" + n, "hidden by an opaque directory", 0644);
    }
    return tar;
  }

  /** Whites out {@code w-NAME}, makes {@code o-NAME} opaque with a new child, adds a file. */
  private static LayerTarBuilder upper() {
    LayerTarBuilder tar = new LayerTarBuilder().namesAsBytes();
    for (String n : NAMES) {
      tar.whiteout("w-" + n)
          .dir("o-" + n, 0755)
          .opaque("o-" + n)
          .file("o-" + n + "/new-" + n, "new", 0644)
          .file("added-" + n, "added", 0644);
    }
    return tar;
  }

  @Test
  default void names_notUtf8_applyAndMountByteForByte() throws IOException {
    readOnly("base", null, base(new LayerTarBuilder().namesAsBytes()));
    readOnly("upper", "base", upper());

    Path reference = newReference();
    base(new LayerTarBuilder().namesAsBytes()).applyTo(reference, isRoot());
    upper().applyTo(reference, isRoot());
    Path view = driver().mount(id("upper"));
    try {
      Set<String> onDisk = ListedNames.of(view);
      assertEquals(ListedNames.of(reference), onDisk);
      for (String n : NAMES) {
        assertTrue(onDisk.contains("f-" + n), () -> "no file " + RawNames.printable("f-" + n) + " in " + printable(onDisk));
        assertTrue(onDisk.contains("o-" + n + "/new-" + n), () -> "opaque directory lost its new child: " + printable(onDisk));
        assertFalse(onDisk.contains("o-" + n + "/" + n), () -> "opaque directory shows the lower child: " + printable(onDisk));
        assertFalse(onDisk.contains("w-" + n), () -> "whiteout did not hide " + RawNames.printable("w-" + n));
        assertEquals("d-" + n + "/" + n, RawNames.of(Files.readSymbolicLink(RawNames.resolve(view, "s-" + n))));
        assertEquals(Files.getAttribute(RawNames.resolve(view, "f-" + n), "unix:ino"),
            Files.getAttribute(RawNames.resolve(view, "h-" + n), "unix:ino"), "hardlink shares the inode");
      }
      assertFalse(onDisk.stream().anyMatch(name -> name.contains("\u00ef\u00bf\u00bd")),
          () -> "a name holds U+FFFD's bytes: " + printable(onDisk));
    } finally {
      driver().unmount(id("upper"));
    }
    snapshot("upper").assertMatches(TreeSnapshot.of(reference), Times.FILES_TO_SECONDS);
  }

  @Test
  default void names_gnuLongNameForm_applyAsThePaxForm() throws IOException {
    readOnly("pax", null, base(new LayerTarBuilder().namesAsBytes()));
    readOnly("gnu", null, base(new LayerTarBuilder().namesAsBytes().gnuLongNames()));

    snapshot("gnu").assertMatches(snapshot("pax"), Times.FILES_TO_SECONDS);
  }

  @Test
  default void names_diffAndReapply_reproduceTheLayerByteForByte() throws IOException {
    readOnly("base", null, base(new LayerTarBuilder().namesAsBytes()));
    readOnly("upper", "base", upper());

    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    driver().diff(id("upper"), tar);
    driver().createReadOnly(id("replay"), parent("base"), new ByteArrayInputStream(tar.toByteArray()));

    snapshot("replay").assertMatches(snapshot("upper"), Times.FILES_TO_SECONDS);
    assertEquals(viewNames("upper"), viewNames("replay"));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    driver().diff(id("replay"), again);
    List<String> entries = entryNames(tar.toByteArray());
    assertEquals(entries, entryNames(again.toByteArray()));
    for (String n : NAMES) {
      assertTrue(entries.contains(".wh.w-" + n) && entries.contains("added-" + n),
          () -> "the diff lacks the whiteout or the addition of " + RawNames.printable(n) + ": "
              + entries.stream().map(RawNames::printable).toList());
    }
  }

  @Test
  default void names_changesInWritable_listTheRawNames() throws IOException {
    readOnly("base", null, base(new LayerTarBuilder().namesAsBytes()));
    writable("rw", "base");
    edit("rw", root -> {
      for (String n : NAMES) {
        Files.writeString(RawNames.resolve(root, "new-" + n), "new");
        Files.delete(RawNames.resolve(root, "f-" + n));
        Files.writeString(RawNames.resolve(root, "d-" + n + "/" + n), "changed");
      }
    });

    List<Change> expected = new ArrayList<>();
    for (String n : NAMES) {
      expected.add(change("/new-" + n, Kind.ADDED));
      expected.add(change("/f-" + n, Kind.DELETED));
      expected.add(change("/d-" + n, Kind.MODIFIED));
      expected.add(change("/d-" + n + "/" + n, Kind.MODIFIED));
    }
    expected.sort(null);

    assertEquals(expected, driver().changes(id("rw")));
  }

  private static Change change(String raw, Kind kind) {
    return Change.ofBytes(RawNames.bytes(raw), kind);
  }

  private Set<String> viewNames(String id) throws IOException {
    Path view = driver().mount(id(id));
    try {
      return ListedNames.of(view);
    } finally {
      driver().unmount(id(id));
    }
  }

  /** The member names of a tar as raw strings, as GNU tar reads them (listed unquoted: the bytes). */
  private static List<String> entryNames(byte[] tar) throws IOException {
    Process p = new ProcessBuilder("tar", "--list", "--quoting-style=literal", "-f", "-").start();
    p.getOutputStream().write(tar);
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    try {
      assertEquals(0, p.waitFor(), "tar --list failed");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for tar", e);
    }
    List<String> names = new ArrayList<>();
    for (String line : new String(out, StandardCharsets.ISO_8859_1).split("\n")) {
      if (!line.isEmpty()) {
        names.add(line);
      }
    }
    return names;
  }

  private static String printable(Set<String> names) {
    return names.stream().map(RawNames::printable).toList().toString();
  }
}
