package dev.strata.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * How {@link StrataProcess} starts a {@link CrashChild}: this test's class path, and, once a
 * {@link #dumping} JVM has exited, a class-data archive of what {@code strata} loads. Hundreds of child JVMs start about a third
 * faster with their classes already parsed; the JVM archives classes only from jars, so the class
 * directories of the build are packed into jars first.
 */
final class ChildJvm {

  private static final List<String> OPTIONS =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-Xshare:auto", "-Xmx256m");

  private final String classPath;
  private final Path archive;

  private ChildJvm(String classPath, Path archive) {
    this.classPath = classPath;
    this.archive = archive;
  }

  /** The test's class path as it is, without an archive. */
  static ChildJvm plain() {
    return new ChildJvm(testClassPath(), Path.of("/nonexistent"));
  }

  /** The test's class path with every directory packed into a jar under {@code dir}. */
  static ChildJvm packed(Path dir) throws IOException {
    Files.createDirectories(dir);
    List<String> entries = new ArrayList<>();
    int n = 0;
    for (String entry : testClassPath().split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      if (Files.isDirectory(p)) {
        Path jar = dir.resolve("classes-" + n++ + ".jar");
        pack(p, jar);
        entries.add(jar.toString());
      } else {
        entries.add(entry);
      }
    }
    return new ChildJvm(String.join(java.io.File.pathSeparator, entries), dir.resolve("strata.jsa"));
  }

  /**
   * The test's class path packed under {@code dir}, with a class-data archive of what {@code
   * warmUp} loads, written by running it once on a vfs root there.
   */
  static ChildJvm archived(Path dir, CrashScenario warmUp) throws Exception {
    ChildJvm packed = packed(dir.resolve("jvm"));
    Path root = dir.resolve("dump/root");
    warmUp.prepare(new ListedRoot("vfs", root));
    new StrataProcess(root, "vfs", dir.resolve("dump/logs"), packed.dumping()).runToEnd(warmUp.command());
    return packed;
  }

  /** The command line, up to the arguments, of a {@link CrashChild} that writes the archive when it exits. */
  List<String> dumping() {
    return command("-XX:ArchiveClassesAtExit=" + archive);
  }

  /** The command line, up to the arguments, of a {@link CrashChild}, using the archive once one was written. */
  List<String> command() {
    return Files.isRegularFile(archive) ? command("-XX:SharedArchiveFile=" + archive) : command(null);
  }

  private List<String> command(String archiveOption) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(OPTIONS);
    if (archiveOption != null) {
      command.add(archiveOption);
    }
    command.add("-cp");
    command.add(classPath);
    command.add(CrashChild.class.getName());
    return command;
  }

  // Surefire may put only a manifest jar on java.class.path; it keeps the real one here.
  private static String testClassPath() {
    return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
  }

  private static void pack(Path dir, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
         Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
        zip.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
        Files.copy(f, zip);
        zip.closeEntry();
      }
    }
  }
}
