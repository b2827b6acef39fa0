package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialStoreTest {

  @TempDir Path dir;

  @Test
  void store_newFile_isOwnerOnlyAndReadsBack() throws Exception {
    CredentialStore store = CredentialStore.at(dir.resolve("sub/config.json"));
    store.store("localhost:5000", new Credentials("alice", "s3cret"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
    assertEquals(Optional.of(new Credentials("alice", "s3cret")), store.find("localhost:5000"));
    assertEquals(Set.of("localhost:5000"), store.registries());
    assertTrue(Files.readString(store.file()).contains("\"auth\""));
  }

  @Test
  void remove_forgetsOnlyThatRegistry() throws Exception {
    CredentialStore store = CredentialStore.at(dir.resolve("config.json"));
    store.store("a.example", new Credentials("u", "p"));
    store.store("b.example", new Credentials("v", "q"));
    assertTrue(store.remove("a.example"));
    assertFalse(store.remove("a.example"));
    assertEquals(Optional.empty(), store.find("a.example"));
    assertEquals(Optional.of(new Credentials("v", "q")), store.find("b.example"));
  }

  @Test
  void find_dockerHubLegacyKey_isRead() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"dTpw\"}},\"credsStore\":\"x\"}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    CredentialStore store = CredentialStore.at(file);
    assertEquals(Optional.of(new Credentials("u", "p")), store.find("docker.io"));
    store.store("other", new Credentials("a", "b"));
    assertTrue(Files.readString(file).contains("credsStore"), "other fields are kept");
  }

  @Test
  void find_groupReadableFile_throwsFailedPreconditionWithoutSecret() throws Exception {
    Path file = dir.resolve("config.json");
    CredentialStore store = CredentialStore.at(file);
    store.store("r.example", new Credentials("alice", "topsecret"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    FailedPreconditionException e = assertThrows(FailedPreconditionException.class, () -> store.find("r.example"));
    assertTrue(e.getMessage().contains("chmod 600"));
    assertFalse(e.getMessage().contains("topsecret"));
  }

  @Test
  void find_brokenEntry_throwsCorruptWithoutSecret() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\":{\"r\":{\"auth\":\"!!topsecret!!\"}}}");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    CorruptException e = assertThrows(CorruptException.class, () -> CredentialStore.at(file).find("r"));
    assertFalse(e.getMessage().contains("topsecret"));
    assertEquals(null, e.getCause());
  }

  @Test
  void find_brokenJson_throwsCorruptWithoutContent() throws Exception {
    Path file = dir.resolve("config.json");
    Files.writeString(file, "{\"auths\": topsecret");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    CorruptException e = assertThrows(CorruptException.class, () -> CredentialStore.at(file).find("r"));
    assertFalse(e.getMessage().contains("topsecret"));
  }

  @Test
  void credentialsToString_masksPassword() {
    String s = new Credentials("alice", "topsecret").toString();
    assertTrue(s.contains("alice"));
    assertFalse(s.contains("topsecret"));
  }
}
