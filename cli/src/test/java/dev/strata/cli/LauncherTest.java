package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code strata} launcher script's class-data sharing archive: made on first use from a run
 * that opens stores, mapped by later runs, remade when the jar or a library changes, and left out
 * when it cannot be made or read. Each test runs a copy of the launcher beside a copy of the
 * packaged jar and its libraries, so it runs in Maven's integration-test phase, after packaging
 * (cli/pom.xml). No source tree sits beside the copy, so the launcher never builds.
 */
class LauncherTest {

  /** Sources are older than this: the copied jar is up to date, the archive not yet made. */
  private static final Instant PACKAGED = Instant.now().minusSeconds(3600);

  @TempDir Path home;
  private Path target;
  private Path tmp;

  @BeforeEach
  void copyLauncherAndJar() throws IOException {
    Path module = Path.of("").toAbsolutePath();
    Path jar = module.resolve("target/strata.jar");
    assertTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn package (this test runs after it)");
    target = Files.createDirectories(home.resolve("cli/target"));
    Files.copy(module.resolveSibling("strata"), home.resolve("strata"));
    Files.setPosixFilePermissions(home.resolve("strata"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("pom.xml"), "");
    Files.copy(jar, target.resolve("strata.jar"));
    Path lib = Files.createDirectories(target.resolve("lib"));
    try (Stream<Path> jars = Files.list(module.resolve("target/lib"))) {
      for (Path j : (Iterable<Path>) jars::iterator) {
        packaged(Files.copy(j, lib.resolve(j.getFileName())));
      }
    }
    packaged(home.resolve("pom.xml"));
    packaged(target.resolve("strata.jar"));
    packaged(lib);
    tmp = Files.createDirectories(home.resolve("tmp"));
  }

  @Test
  void launch_firstRun_makesArchiveThatAStoreCommandMaps() throws Exception {
    assertStrataVersion(version(run(List.of(), "--version")));
    assertTrue(Files.size(archive()) > 0);
    assertCleanedUp();

    Path layer = Files.createDirectories(home.resolve("layer"));
    Files.writeString(layer.resolve("file"), "content\n");
    Path root = home.resolve("root");
    Result imported = run(List.of(), "--root", root.toString(), "import", layer.toString(), "--tag", "one");
    assertEquals(0, imported.exit, imported.err);
    Path log = home.resolve("class-load.log");
    Result images = run(Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info:file=" + log),
        List.of(), "--root", root.toString(), "images");
    assertEquals(0, images.exit, images.err);
    assertTrue(images.out.contains("one "), images.out);
    String loads = Files.readString(log);
    // Classes only a run that opens a store loads: the archive was trained on one.
    for (String c : List.of("dev.strata.layer.LayerStore", "dev.strata.image.ImageStore",
        "com.fasterxml.jackson.databind.ObjectMapper", "jnr.ffi.LibraryLoader",
        "com.github.benmanes.caffeine.cache.Caffeine")) {
      assertTrue(loads.contains(c + " source: shared objects file"), c + " not mapped from the archive");
    }
  }

  @Test
  void launch_jarRebuilt_remakesArchive() throws Exception {
    run(List.of(), "--version");
    Path archive = archive();
    FileTime made = FileTime.from(PACKAGED.plusSeconds(60));
    Files.setLastModifiedTime(archive, made);
    Files.setLastModifiedTime(target.resolve("strata.jar"), FileTime.from(PACKAGED.plusSeconds(120)));

    assertStrataVersion(version(run(List.of(), "--version")));
    assertTrue(Files.getLastModifiedTime(archive).compareTo(made) > 0, "archive not remade after the jar changed");
    assertCleanedUp();
  }

  @Test
  void launch_libraryRebuilt_remakesArchive() throws Exception {
    run(List.of(), "--version");
    Path archive = archive();
    FileTime made = FileTime.from(PACKAGED.plusSeconds(60));
    Files.setLastModifiedTime(archive, made);
    Path library;
    try (Stream<Path> jars = Files.list(target.resolve("lib"))) {
      library = jars.filter(j -> j.getFileName().toString().startsWith("layer-store")).findFirst().orElseThrow();
    }
    Files.setLastModifiedTime(library, FileTime.from(PACKAGED.plusSeconds(120)));

    run(List.of(), "--version");
    assertTrue(Files.getLastModifiedTime(archive).compareTo(made) > 0, "archive not remade after a library changed");
  }

  @Test
  void launch_javaCannotDump_runsWithoutArchive() throws Exception {
    // A java that refuses the dump option, as another vendor's JVM would.
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\n"
        + "for a in \"$@\"; do case \"$a\" in -XX:ArchiveClassesAtExit=*) echo unrecognized >&2; exit 1;; esac; done\n"
        + "exec '" + realJava() + "' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

    assertStrataVersion(version(run(List.of(bin), "--version")));
    assertEquals(List.of(), archives());
    assertCleanedUp();
  }

  @Test
  void launch_unreadableArchive_runsWithoutIt() throws Exception {
    run(List.of(), "--version");
    Files.writeString(archive(), "not an archive");

    Result r = run(List.of(), "--root", home.resolve("root").toString(), "images");
    assertEquals(0, r.exit, r.err);
    assertTrue(r.out.startsWith("REPOSITORY"), r.out);
  }

  /** The launcher's archive for the test's JVM: strata-<JDK build>.jsa. */
  private Path archive() throws IOException {
    List<Path> made = archives();
    assertEquals(1, made.size(), "archives: " + made);
    return made.get(0);
  }

  private List<Path> archives() throws IOException {
    try (Stream<Path> files = Files.list(target)) {
      return files.filter(p -> p.getFileName().toString().matches("strata-.*\\.jsa")).toList();
    }
  }

  private void assertCleanedUp() throws IOException {
    try (Stream<Path> left = Stream.concat(Files.list(target), Files.list(tmp))) {
      List<String> names = left.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".tmp") || n.startsWith("strata-cds")).toList();
      assertEquals(List.of(), names, "the launcher left these behind");
    }
  }

  private static void packaged(Path p) throws IOException {
    Files.setLastModifiedTime(p, FileTime.from(PACKAGED));
  }

  private static String realJava() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static void assertStrataVersion(String line) {
    assertTrue(line.matches("strata \\S+"), line);
  }

  private static String version(Result r) {
    assertEquals(0, r.exit, r.err);
    return r.out.strip();
  }

  private record Result(int exit, String out, String err) {}

  private Result run(List<Path> firstOnPath, String... args) throws Exception {
    return run(Map.of(), firstOnPath, args);
  }

  /** Runs the launcher copy with the test's JVM first on PATH (after {@code firstOnPath}). */
  private Result run(Map<String, String> env, List<Path> firstOnPath, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(home.resolve("strata").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectOutput(home.resolve("out").toFile())
        .redirectError(home.resolve("err").toFile());
    List<String> path = new ArrayList<>();
    firstOnPath.forEach(p -> path.add(p.toString()));
    path.add(Path.of(realJava()).getParent().toString());
    path.add(System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
    pb.environment().put("PATH", String.join(":", path));
    pb.environment().put("TMPDIR", tmp.toString());
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("strata " + String.join(" ", args) + " did not finish in 5 minutes");
    }
    return new Result(p.exitValue(), Files.readString(home.resolve("out")), Files.readString(home.resolve("err")));
  }
}
