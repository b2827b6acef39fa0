package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.registry.UploadRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tag, login, logout, push and pull through the command, against an in-process registry. */
class RegistryCommandsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "s3cr3t-Pa55";
  private static final Pattern PUSHED_DIGEST = Pattern.compile("1\\.0: digest: sha256:[0-9a-f]{64} size: \\d+");

  @TempDir Path tmp;

  @Test
  void tag_localImage_listedUnderBothNames() throws Exception {
    Path root = tmp.resolve("root");
    Cli.ok(root, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());

    Cli.Result r = Cli.ok(root, "tag", AppImage.TAG, "localhost:5000/team/app:2");

    assertEquals("", r.out());
    JsonNode images = JSON.readTree(Cli.ok(root, "--format", "json", "images").out());
    assertEquals(2, images.size());
    assertEquals(images.get(0).get("image_id"), images.get(1).get("image_id"));
  }

  @Test
  void tag_unknownSource_exitsNotFound() {
    Cli.Result r = Cli.run(tmp.resolve("root"), "tag", "ghost:1", "other:1");

    assertEquals(ExitCodes.NOT_FOUND, r.exit(), r.toString());
  }

  @Test
  void loginThenLogout_credentialsFileOwnerOnlyAndPasswordNeverPrinted() throws Exception {
    Path auth = tmp.resolve("conf/auth.json");
    try (UploadRegistry registry = UploadRegistry.withLogin("alice", SECRET)) {
      String host = registry.host();

      Cli.Result login = Cli.run(tmp.resolve("root"), "login", "--auth-file", auth.toString(),
          "--insecure-registry", host, "-u", "alice", "-p", SECRET, host);

      assertEquals(0, login.exit(), login.toString());
      assertEquals(List.of("Login Succeeded"), login.lines());
      assertTrue(login.err().contains("--password-stdin"), login.err());
      assertFalse(login.toString().contains(SECRET));
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(auth)));
      assertTrue(JSON.readTree(auth.toFile()).get("auths").has(host));

      Cli.Result logout = Cli.ok(tmp.resolve("root"), "logout", "--auth-file", auth.toString(), host);

      assertEquals(List.of("Removing login credentials for " + host), logout.lines());
      assertFalse(JSON.readTree(auth.toFile()).get("auths").has(host));
      assertEquals(List.of("Not logged in to " + host),
          Cli.ok(tmp.resolve("root"), "logout", "--auth-file", auth.toString(), host).lines());
    }
  }

  @Test
  void login_wrongPassword_exitsFailedPreconditionAndStoresNothing() throws Exception {
    Path auth = tmp.resolve("auth.json");
    try (UploadRegistry registry = UploadRegistry.withLogin("alice", SECRET)) {
      Cli.Result r = Cli.run(tmp.resolve("root"), "login", "--auth-file", auth.toString(),
          "--insecure-registry", registry.host(), "-u", "alice", "-p", "wrong-guess", registry.host());

      assertEquals(ExitCodes.FAILED_PRECONDITION, r.exit(), r.toString());
      assertFalse(r.toString().contains("wrong-guess"), r.toString());
      assertFalse(Files.exists(auth));
    }
  }

  @Test
  void login_noPasswordWithoutTerminal_exitsUsage() {
    Cli.Result r = Cli.run(tmp.resolve("root"), "login", "--auth-file", tmp.resolve("a.json").toString(),
        "-u", "alice", "localhost:5000");

    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertFalse(Files.exists(tmp.resolve("a.json")));
  }

  @Test
  void pushThenPull_insecureRegistryWithLogin_roundTripsImageAndSkipsKnownLayers() throws Exception {
    Path auth = tmp.resolve("auth.json");
    Path source = tmp.resolve("source");
    Path target = tmp.resolve("target");
    try (UploadRegistry registry = UploadRegistry.withLogin("bob", SECRET)) {
      String host = registry.host();
      String ref = host + "/test/app:1.0";
      List<String> reg = List.of("--auth-file", auth.toString(), "--insecure-registry", host);
      Cli.ok(source, "load", "-i", AppImage.dockerArchive(tmp.resolve("app.tar")).toString());
      Cli.ok(source, "tag", AppImage.TAG, ref);
      Cli.ok(source, args("login", reg, "-u", "bob", "-p", SECRET, host));

      Cli.Result push = Cli.ok(source, args("push", reg, ref));

      assertEquals("The push refers to repository [" + host + "/test/app]", push.lines().get(0));
      assertEquals(2, push.lines().stream().filter(l -> l.matches("[0-9a-f]{12}: Pushed")).count(), push.toString());
      assertTrue(PUSHED_DIGEST.matcher(push.lastLine()).matches(), push.lastLine());
      String digest = push.lastLine().split(" ")[2];

      Cli.Result pull = Cli.ok(target, args("pull", reg, ref));

      assertEquals("1.0: Pulling from test/app", pull.lines().get(0));
      assertEquals(2, pull.lines().stream().filter(l -> l.matches("[0-9a-f]{12}: Pull complete")).count(), pull.toString());
      assertTrue(pull.lines().contains("Digest: " + digest), pull.toString());
      assertEquals("Status: Downloaded newer image for " + ref, pull.lastLine());
      JsonNode pulled = JSON.readTree(Cli.ok(target, "--format", "json", "images").out());
      assertEquals(AppImage.id(), pulled.get(0).get("image_id").asText());

      Cli.Result again = Cli.ok(source, args("push", reg, ref));
      assertEquals(2, again.lines().stream().filter(l -> l.endsWith(": Layer already exists")).count(), again.toString());
      assertEquals(push.lastLine(), again.lastLine());

      Cli.Result repull = Cli.ok(target, args("pull", reg, ref));
      assertEquals(2, repull.lines().stream().filter(l -> l.endsWith(": Already exists")).count(), repull.toString());
      assertEquals("Status: Image is up to date for " + ref, repull.lastLine());
      assertFalse((push + pull.toString() + again + repull).contains(SECRET));
    }
  }

  private static String[] args(String command, List<String> options, String... rest) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(options);
    all.addAll(List.of(rest));
    return all.toArray(String[]::new);
  }
}
