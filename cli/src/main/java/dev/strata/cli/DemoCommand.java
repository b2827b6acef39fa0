package dev.strata.cli;

import dev.strata.files.FileTrees;
import dev.strata.image.Image;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata demo}: the main job end to end in throw-away roots, told as the {@code strata}
 * commands it runs (in this process) and their output. Builds a three-layer docker-archive (a
 * whiteout and an opaque directory in layer two), loads it, creates a container, writes into it,
 * shows the diff, commits, saves, loads the saved archive into a second fresh root and checks that
 * the image id and DiffIDs survived, then exports a container of it and checks the files.
 */
@Command(name = "demo", description = "Run the main job end to end in temporary roots and narrate it.")
final class DemoCommand implements Callable<Integer> {

  private static final String CONTAINER = "demo-container";
  private static final String COMMITTED = "strata-demo:2.0";
  private static final String VOLUME = "demo-data";

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the temporary roots and archives for inspection.")
  boolean keep;

  private PrintWriter out;
  private PrintWriter err;

  /** A step's command failed; its own error line is printed already. */
  private static final class StepFailed extends Exception {
    final int exit;

    StepFailed(int exit) {
      super(null, null, false, false);
      this.exit = exit;
    }
  }

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    Path work = Files.createTempDirectory("strata-demo-");
    Path first = work.resolve("root-1");
    Path second = work.resolve("root-2");
    out.println("Strata demo in " + work);
    try {
      run(work, first, second);
      out.println();
      out.println("Demo done: loaded, changed, committed, saved and reloaded with the same image id and DiffIDs.");
      return ExitCodes.OK;
    } catch (StepFailed e) {
      err.println("strata demo: a step failed (exit " + e.exit + "); see the line above");
      return e.exit;
    } finally {
      cleanUp(work, first);
      out.flush();
    }
  }

  private void run(Path work, Path first, Path second) throws Exception {
    List<DemoArchive.DemoLayer> layers = DemoArchive.layers();
    Path archive = work.resolve("demo-image.tar");
    DemoArchive.write(layers, archive);
    section("1. An image archive, built in code as `docker save` writes one: " + archive.getFileName());
    for (DemoArchive.DemoLayer layer : layers) {
      out.println("   layer " + layer.name() + ": DiffID " + layer.diffId() + ", entries " + entryNames(layer.tar()));
    }

    section("2. Load it, list it, create a container on it");
    strata(first, "load", "-i", archive.toString());
    strata(first, "images");
    strata(first, "create", "--name", CONTAINER, DemoArchive.TAG);

    section("3. Mount the container's root filesystem and look: layer two's whiteout and opaque directory took effect");
    String mounted = strata(first, "mount", CONTAINER);
    Path rootfs = Path.of(lastLine(mounted));
    check(!Files.exists(rootfs.resolve("usr/bin/hello"), LinkOption.NOFOLLOW_LINKS), "/usr/bin/hello is whited out");
    check(list(rootfs.resolve("var/cache/app")).equals(List.of("fresh")), "/var/cache/app holds only 'fresh'");
    check(Files.exists(rootfs.resolve("etc/hosts")), "the init layer put /etc/hosts in place");

    section("4. Write into it: add /root/notes.txt, change /etc/os-release, delete the demo README");
    Files.createDirectories(rootfs.resolve("root"));
    Files.writeString(rootfs.resolve("root/notes.txt"), "written inside the container\n");
    Files.writeString(rootfs.resolve("etc/os-release"), "NAME=StrataDemo\nVERSION=2\n");
    Files.delete(rootfs.resolve("usr/share/doc/demo/README"));
    strata(first, "umount", CONTAINER);
    String diff = strata(first, "diff", CONTAINER);
    List<String> expected = List.of("C /etc", "C /etc/os-release", "A /root", "A /root/notes.txt",
        "C /usr", "C /usr/share", "C /usr/share/doc", "C /usr/share/doc/demo", "D /usr/share/doc/demo/README");
    check(diff.lines().toList().equals(expected), "the diff lists exactly the three edits and their directories");

    section("5. Commit the container as " + COMMITTED + " (a fourth layer), see the layer tree, save the image");
    String committedId = lastLine(strata(first, "commit", CONTAINER, COMMITTED));
    strata(first, "layers");
    Path saved = work.resolve("strata-demo-2.0.tar");
    strata(first, "save", "-o", saved.toString(), COMMITTED);
    out.println("   wrote " + saved.getFileName() + ", " + Output.size(Files.size(saved)));

    section("6. Load the saved archive into a second, fresh root; the image id and DiffIDs must match");
    strata(second, "load", "-i", saved.toString());
    strata(second, "images");
    Image before = image(first, COMMITTED);
    Image after = image(second, COMMITTED);
    check(after.id().toString().equals(committedId) && after.id().equals(before.id()),
        "image id " + after.id().shortId() + " is the same in both roots");
    check(after.diffIds().equals(before.diffIds()) && after.diffIds().size() == 4,
        "the 4 DiffIDs are the same in both roots");

    section("7. Export a container of the reloaded image: the flattened filesystem has the committed edits");
    strata(second, "create", "--name", "reloaded", COMMITTED);
    Path exported = work.resolve("reloaded-rootfs.tar");
    strata(second, "export", "reloaded", "-o", exported.toString());
    Set<String> names = entryNames(Files.readAllBytes(exported));
    check(names.contains("root/notes.txt") && names.contains("etc/motd") && names.contains("var/cache/app/fresh"),
        "the export holds root/notes.txt, etc/motd and var/cache/app/fresh");
    check(!names.contains("usr/share/doc/demo/README") && !names.contains("usr/bin/hello")
        && !names.contains("var/cache/app/old-1"), "and none of the deleted, whited-out or hidden files");
    strata(second, "rm", "reloaded");

    section("8. Volumes: two containers share a named volume live, and its data outlives them both");
    strata(second, "create", "--name", "writer", "-v", VOLUME + ":/data", COMMITTED);
    strata(second, "create", "--name", "reader", "--mount", "type=volume,src=" + VOLUME + ",dst=/srv/data,readonly",
        COMMITTED);
    Path writer = Path.of(lastLine(strata(second, "mount", "writer")));
    Path reader = Path.of(lastLine(strata(second, "mount", "reader")));
    Files.writeString(writer.resolve("data/shared.txt"), "written by one container\n");
    check(Files.readString(reader.resolve("srv/data/shared.txt")).equals("written by one container\n"),
        "the other container sees the file at once, through its read-only mount");
    strata(second, "umount", "writer");
    strata(second, "umount", "reader");
    strata(second, "rm", "writer", "reader");
    strata(second, "volume", "ls");
    check(Files.exists(second.resolve("volumes").resolve(VOLUME).resolve("_data/shared.txt")),
        "the volume keeps the file after both containers are gone");
    strata(second, "volume", "rm", VOLUME);
  }

  private void cleanUp(Path work, Path first) throws IOException {
    if (keep) {
      out.println("Kept " + work + " (roots root-1 and root-2; `strata --root " + first + " ps`)");
      return;
    }
    if (Files.isDirectory(first)) {
      // Best effort: the container may be left mounted by a failed step.
      Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false,
          prefix(first, "rm", "-f", CONTAINER));
    }
    Path second = first.resolveSibling("root-2");
    if (Files.isDirectory(second)) {
      Main.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), false,
          prefix(second, "rm", "-f", "writer", "reader"));
    }
    FileTrees.delete(work);
    out.println("Removed " + work);
  }

  /** Runs {@code strata --root ROOT ARGS...} in this process, echoing it and its output; returns the output. */
  private String strata(Path root, String... args) throws StepFailed {
    out.println("$ strata --root " + root.getFileName() + " " + String.join(" ", args));
    out.flush();
    StringWriter captured = new StringWriter();
    int exit = Main.run(new PrintWriter(captured), err, false, prefix(root, args));
    captured.toString().lines().forEach(line -> out.println("   " + line));
    out.flush();
    if (exit != ExitCodes.OK) {
      throw new StepFailed(exit);
    }
    return captured.toString();
  }

  private String[] prefix(Path root, String... args) {
    List<String> all = new ArrayList<>(List.of("--root", root.toString()));
    if (top.driver != null) {
      all.addAll(List.of("--driver", top.driver));
    }
    for (Map.Entry<String, String> e : top.storageOptions.entrySet()) {
      all.addAll(List.of("--storage-opt", e.getKey() + "=" + e.getValue()));
    }
    all.addAll(List.of(args));
    return all.toArray(String[]::new);
  }

  private Image image(Path root, String ref) throws IOException {
    StrataCommand at = new StrataCommand(false);
    at.root = root;
    at.driver = top.driver;
    at.storageOptions = top.storageOptions;
    try (Stores stores = at.openStores()) {
      return stores.images.get(ref);
    }
  }

  private void section(String title) {
    out.println();
    out.println(title);
  }

  private void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException("demo check failed: " + what);
    }
    out.println("   ok: " + what);
  }

  private static String lastLine(String output) {
    List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
    if (lines.isEmpty()) {
      throw new IllegalStateException("demo: a command printed nothing where a value was expected");
    }
    return lines.get(lines.size() - 1).trim();
  }

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Set<String> entryNames(byte[] tar) throws IOException {
    Set<String> names = new TreeSet<>();
    try (InputStream in = new ByteArrayInputStream(tar);
         TarArchiveInputStream entries = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = entries.getNextEntry(); e != null; e = entries.getNextEntry()) {
        names.add(e.getName().endsWith("/") ? e.getName().substring(0, e.getName().length() - 1) : e.getName());
      }
    }
    return names;
  }
}
