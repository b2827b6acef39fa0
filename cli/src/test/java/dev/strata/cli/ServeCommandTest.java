package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata serve} as a process: the ready line, its sockets, one server per root, other
 * commands beside it, and a clean stop on SIGTERM and SIGINT.
 */
class ServeCommandTest {

  /** Generous: a cold JVM on a loaded machine. Nothing is timed; the deadline only ends a hang. */
  private static final long DEADLINE_SECONDS = 180;

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();
  private final Map<Process, Path> logs = new HashMap<>();

  @AfterEach
  void stopServers() throws InterruptedException {
    for (Process p : started) {
      p.destroyForcibly();
      p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
  }

  @Test
  void serve_noSocketGiven_exitsUsageNamingTheFlags() {
    Cli.Result r = Cli.run(dir.resolve("root"), "serve");
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("nothing to serve: give --snapshotter-socket PATH, --volume-plugin-socket PATH"), r.err());
  }

  @Test
  void serve_help_listsEveryFaceAndExitsZero() {
    Cli.Result r = Cli.run(dir.resolve("root"), "serve", "--help");
    assertEquals(ExitCodes.OK, r.exit(), r.toString());
    for (String flag : List.of("--snapshotter-socket=PATH", "--volume-plugin-socket=PATH", "--socket-group=GROUP", "--listen=HOST:PORT", "--read-only")) {
      assertTrue(r.out().contains(flag), flag + " in: " + r.out());
    }
    assertFalse(Files.exists(dir.resolve("root")), "help creates no root");
  }

  @Test
  void serve_listenBadPort_exitsUsageNamingIt() {
    Cli.Result r = Cli.run(dir.resolve("root"), "serve", "--listen", "127.0.0.1:http");
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("--listen '127.0.0.1:http': port 'http' is not a number"), r.err());
  }

  @Test
  void serve_readOnlyWithoutListen_exitsUsage() {
    Cli.Result r = Cli.run(dir.resolve("root"), "serve", "--read-only", "--volume-plugin-socket", dir.resolve("v.sock").toString());
    assertEquals(ExitCodes.USAGE, r.exit(), r.toString());
    assertTrue(r.err().contains("--read-only applies to the web console: give --listen HOST:PORT too"), r.err());
  }

  @Test
  void serve_listenPortOnly_servesTheConsoleOnLoopbackUntilSigterm() throws Exception {
    Path root = dir.resolve("root");
    Cli.ok(root, "volume", "create", "v1");
    Process server = serve(root, "--listen", "0", "--read-only");
    awaitReady(server);
    String log = log(server);
    java.util.regex.Matcher url = java.util.regex.Pattern
        .compile("strata serve: web console on (http://127\\.0\\.0\\.1:[0-9]+/) \\(read-only\\)").matcher(log);
    assertTrue(url.find(), log);

    java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpResponse<String> volumes = http.send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create(url.group(1) + "api/volumes")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(200, volumes.statusCode(), volumes.body());
    assertTrue(volumes.body().contains("\"name\":\"v1\""), volumes.body());
    // The console holds no store open: other commands, check included, run beside it.
    Cli.ok(root, "volume", "create", "v2");
    Cli.ok(root, "check");

    signal(server, "TERM");
    assertTrue(server.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "the server stops on SIGTERM");
    assertEquals(0, server.exitValue(), log(server));
  }

  @Test
  void serve_bothSockets_readyThenAnswersBesideOtherCommandsAndStopsOnSigterm() throws Exception {
    Path root = dir.resolve("root");
    Path snap = dir.resolve("run/snap.sock");
    Path vol = dir.resolve("run/plugins/strata.sock");
    Process server = serve(root, "--snapshotter-socket", snap.toString(), "--volume-plugin-socket", vol.toString());
    awaitReady(server);

    for (Path socket : List.of(snap, vol)) {
      assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(socket, LinkOption.NOFOLLOW_LINKS)),
          "mode of " + socket);
      assertEquals(0, (int) Files.getAttribute(socket, "unix:gid", LinkOption.NOFOLLOW_LINKS), "group of " + socket);
    }
    String activate = post(vol, "/Plugin.Activate", "{}");
    assertTrue(activate.contains("\"Implements\":[\"VolumeDriver\"]"), activate);

    // Other commands work on the root meanwhile, and see what the plugin made.
    String created = post(vol, "/VolumeDriver.Create", "{\"Name\":\"v1\",\"Opts\":{}}");
    assertFalse(created.matches("(?s).*\"Err\":\"[^\"].*"), "create answers without an error: " + created);
    Cli.Result ls = Cli.ok(root, "volume", "ls", "-q");
    assertEquals(List.of("v1"), ls.lines(), "strata volume ls beside the server");
    Cli.ok(root, "volume", "create", "v2");
    String listed = post(vol, "/VolumeDriver.List", "{}");
    assertTrue(listed.contains("\"Name\":\"v2\""), "the plugin lists a volume the command made: " + listed);

    Process second = serve(root, "--volume-plugin-socket", dir.resolve("run/other.sock").toString());
    assertTrue(second.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "a second server on the root exits");
    assertEquals(ExitCodes.FAILED_PRECONDITION, second.exitValue());
    String refusal = log(second);
    assertTrue(refusal.contains("strata serve is already running on " + root + " (pid " + server.pid() + ")"), refusal);

    signal(server, "TERM");
    assertTrue(server.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "the server stops on SIGTERM");
    String log = log(server);
    assertEquals(0, server.exitValue(), log);
    assertTrue(log.contains("SIGTERM received; stopping") && log.contains("strata serve: stopped"), log);
    assertFalse(Files.exists(snap, LinkOption.NOFOLLOW_LINKS), "snapshotter socket removed on stop");
    assertFalse(Files.exists(vol, LinkOption.NOFOLLOW_LINKS), "volume plugin socket removed on stop");
  }

  @Test
  void serve_sigint_stopsCleanlyAndTheRootServesAgain() throws Exception {
    Path root = dir.resolve("root");
    Path vol = dir.resolve("vol.sock");
    for (int round = 0; round < 2; round++) {
      Process server = serve(root, "--volume-plugin-socket", vol.toString(), "--socket-group", "4242");
      awaitReady(server);
      assertEquals(4242, (int) Files.getAttribute(vol, "unix:gid", LinkOption.NOFOLLOW_LINKS), "--socket-group");
      signal(server, "INT");
      assertTrue(server.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS), "the server stops on SIGINT");
      String log = log(server);
      assertEquals(0, server.exitValue(), log);
      assertTrue(log.contains("SIGINT received; stopping"), log);
      assertFalse(Files.exists(vol, LinkOption.NOFOLLOW_LINKS), "socket removed on stop, round " + round);
    }
  }

  private Process serve(Path root, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "--root", root.toString(), "--driver", "vfs", "serve"));
    command.addAll(List.of(args));
    // stderr to a file: it outlives the process, and a chatty server never blocks on a full pipe.
    Path log = dir.resolve("serve-" + started.size() + ".log");
    Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
    started.add(p);
    logs.put(p, log);
    return p;
  }

  /** Reads stdout until the {@code ready} line; fails with the server's stderr if it exits first. */
  private String log(Process p) throws IOException {
    return Files.readString(logs.get(p));
  }

  private void awaitReady(Process p) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // returns at the line, or null when the server exits
    if (!"ready".equals(line)) {
      p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("expected 'ready', got " + line + "; stderr: " + log(p));
    }
  }

  /** Signals by kill(1): Process.destroy would also close the pipes the test reads. */
  private static void signal(Process p, String name) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).inheritIO().start().waitFor());
  }

  /** One HTTP/1.0 POST over a unix socket, as Docker's plugin client makes them; returns the body. */
  static String post(Path socket, String path, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.0\r\nHost: plugin\r\n"
        + "Content-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: " + body.length + "\r\n\r\n";
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(socket));
      c.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
      c.write(ByteBuffer.wrap(body));
      byte[] all = java.nio.channels.Channels.newInputStream(c).readAllBytes();
      String response = new String(all, StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      return split < 0 ? response : response.substring(split + 4);
    }
  }
}
