package dev.strata.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.InvalidArgumentException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process's user resolved as runc does, from account files an image may have written badly on purpose. */
class ProcessUserTest {

  @TempDir Path rootfs;

  @BeforeEach
  void accounts() throws IOException {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/passwd"), """
        root:x:0:0:root:/root:/bin/sh
        app:x:1000:1001::/home/app:/bin/sh
        """);
    Files.writeString(rootfs.resolve("etc/group"), """
        root:x:0:
        app:x:1001:
        audio:x:29:app,other
        video:x:44:other
        staff:x:50:app
        """);
  }

  @Test
  void resolve_empty_isRoot() throws IOException {
    assertEquals(ProcessUser.ROOT, ProcessUser.resolve(rootfs, ""));
  }

  @Test
  void resolve_name_takesItsIdsAndTheGroupsListingIt() throws IOException {
    assertEquals(new ProcessUser(1000, 1001, List.of(29L, 50L)), ProcessUser.resolve(rootfs, "app"));
  }

  @Test
  void resolve_uidOfAnEntry_takesItsGroup() throws IOException {
    assertEquals(new ProcessUser(1000, 1001, List.of(29L, 50L)), ProcessUser.resolve(rootfs, "1000"));
  }

  @Test
  void resolve_uidWithoutEntry_isTakenWithGidZero() throws IOException {
    assertEquals(new ProcessUser(4242, 0, List.of()), ProcessUser.resolve(rootfs, "4242"));
  }

  @Test
  void resolve_nameAndGroupName_takesThatGroupOnly() throws IOException {
    assertEquals(new ProcessUser(1000, 44, List.of()), ProcessUser.resolve(rootfs, "app:video"));
  }

  @Test
  void resolve_numbersWithoutEntries_areTakenAsTheyAre() throws IOException {
    assertEquals(new ProcessUser(7, 9, List.of()), ProcessUser.resolve(rootfs, "7:9"));
  }

  @Test
  void resolve_unknownName_throwsInvalidArgumentNamingIt() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ProcessUser.resolve(rootfs, "nobody"));
    assertTrue(e.getMessage().contains("unable to find user nobody"), e.getMessage());
  }

  @Test
  void resolve_unknownGroupName_throwsInvalidArgument() {
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ProcessUser.resolve(rootfs, "app:wheel"));
    assertTrue(e.getMessage().contains("unable to find group wheel"), e.getMessage());
  }

  @Test
  void resolve_uidBeyondRuncsRange_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, "4294967296"));
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, "0:99999999999999999999"));
  }

  @Test
  void resolve_malformedSpec_throwsInvalidArgument() {
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, ":0"));
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, "app:"));
  }

  @Test
  void resolve_passwdWithJunkLines_skipsThemAndFindsTheGoodOne() throws IOException {
    byte[] junk = ("garbage\n::::::\n#app:x:1:1::/:/bin/sh\nbad:x:abc:1::/:\nbig:x:99999999999:1::/:\n"
        + "neg:x:-1:1::/:\n\n  \napp:x:2000:2001::/:/bin/sh\n").getBytes(StandardCharsets.UTF_8);
    byte[] withBinary = new byte[junk.length + 4];
    withBinary[0] = (byte) 0xff;
    withBinary[1] = 0;
    withBinary[2] = ':';
    withBinary[3] = '\n';
    System.arraycopy(junk, 0, withBinary, 4, junk.length);
    Files.write(rootfs.resolve("etc/passwd"), withBinary);

    assertEquals(new ProcessUser(2000, 2001, List.of(29L, 50L)), ProcessUser.resolve(rootfs, "app"));
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, "bad"));
  }

  @Test
  void resolve_passwdLinkedOutOfTheRootfs_readsTheFileInsideIt() throws IOException {
    Files.createDirectories(rootfs.resolve("inside"));
    Files.writeString(rootfs.resolve("inside/passwd"), "app:x:4242:4343::/:/bin/sh\n");
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../../../../../../../inside/passwd"));

    assertEquals(4242, ProcessUser.resolve(rootfs, "app").uid());
  }

  @Test
  void resolve_passwdThatIsAFifo_throwsInvalidArgumentInsteadOfBlocking() throws Exception {
    Files.delete(rootfs.resolve("etc/passwd"));
    Process mkfifo = new ProcessBuilder("mkfifo", rootfs.resolve("etc/passwd").toString()).inheritIO().start();
    assertEquals(0, mkfifo.waitFor());

    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ProcessUser.resolve(rootfs, "app"));
    assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
  }

  @Test
  void resolve_passwdLargerThanTheBound_throwsInvalidArgument() throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(rootfs.resolve("etc/passwd").toFile(), "rw")) {
      f.setLength(AccountFiles.MAX_BYTES + 1L);
    }
    InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
        () -> ProcessUser.resolve(rootfs, "app"));
    assertTrue(e.getMessage().contains("larger than"), e.getMessage());
  }

  @Test
  void resolve_withoutAccountFiles_takesNumbersAndRefusesNames() throws IOException {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.delete(rootfs.resolve("etc/group"));

    assertEquals(new ProcessUser(5, 6, List.of()), ProcessUser.resolve(rootfs, "5:6"));
    assertThrows(InvalidArgumentException.class, () -> ProcessUser.resolve(rootfs, "app"));
  }
}
