package dev.strata.cli;

import dev.strata.archive.ApplyResult;
import dev.strata.archive.Change;
import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import dev.strata.driver.LayerId;
import dev.strata.driver.Mounter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata demo}: the main job end to end in a throw-away root. Builds a three-layer image
 * (the second layer deletes a file and replaces a directory, so its tar carries a whiteout and an
 * opaque marker), runs a container on it, shows what the container changed, commits that into a
 * fourth layer, and proves the committed layer reproduces the container's view.
 */
@Command(name = "demo", description = "Run the main job end to end in a temporary root and narrate it.")
final class DemoCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--keep", description = "Keep the temporary root for inspection.")
  boolean keep;

  private PrintWriter out;
  private GraphDriver driver;
  private Path scratchDir;

  @Override
  public Integer call() throws Exception {
    out = spec.commandLine().getOut();
    Path root = Files.createTempDirectory("strata-demo-");
    scratchDir = Files.createDirectory(root.resolve("tars"));
    String name = top.driver == null ? "vfs" : top.driver;
    GraphDrivers.checkName(name);
    out.println("Strata demo in " + root + " with the " + name + " driver");
    try (GraphDriver d = new GraphDrivers().open(name,
        new DriverConfig(root.resolve(name), top.storageOptions, Mounter.system()))) {
      driver = d;
      run();
    } finally {
      if (!keep) {
        deleteTree(root);
      } else {
        out.println("kept " + root);
      }
      out.flush();
    }
    return ExitCodes.OK;
  }

  private void run() throws IOException {
    LayerId base = layer("base", Optional.empty(), rootfs -> {
      write(rootfs, "etc/os-release", "NAME=StrataDemo\nVERSION=1\n", "rw-r--r--");
      write(rootfs, "usr/bin/hello", "#!/bin/sh\necho hello\n", "rwxr-xr-x");
      write(rootfs, "usr/share/doc/demo/README", "three layers and a container\n", "rw-r--r--");
      write(rootfs, "var/cache/app/old-1", "stale\n", "rw-r--r--");
      write(rootfs, "var/cache/app/old-2", "stale\n", "rw-r--r--");
    });
    LayerId cleanup = layer("cleanup", Optional.of(base), rootfs -> {
      Files.delete(rootfs.resolve("usr/bin/hello"));
      deleteTree(rootfs.resolve("var/cache/app"));
      write(rootfs, "var/cache/app/fresh", "rebuilt\n", "rw-r--r--");
    });
    LayerId app = layer("app", Optional.of(cleanup), rootfs ->
        write(rootfs, "etc/motd", "welcome to a strata container\n", "rw-r--r--"));

    LayerId container = LayerId.of("container");
    driver.createWritable(container, Optional.of(app), Map.of());
    Path rootfs = driver.mount(container);
    try {
      out.println();
      out.println("container rootfs mounted at " + rootfs + "; writing into it");
      write(rootfs, "root/notes.txt", "written inside the container\n", "rw-------");
      write(rootfs, "etc/os-release", "NAME=StrataDemo\nVERSION=2\n", "rw-r--r--");
      Files.delete(rootfs.resolve("usr/share/doc/demo/README"));
    } finally {
      driver.unmount(container);
    }
    List<Change> changes = driver.changes(container);
    out.println("strata diff container:");
    changes.forEach(c -> out.println("  " + c));

    LayerId committed = LayerId.of("committed");
    ApplyResult commit = commit(container, committed, Optional.of(app));
    out.println();
    out.println("committed the container as layer " + committed + ": DiffID " + commit.diffId()
        + ", " + commit.size() + " bytes of content");
    List<Change> replay = driver.changes(committed);
    if (!replay.equals(changes)) {
      throw new IllegalStateException("committed layer differs from the container: " + replay);
    }
    out.println("the committed layer reproduces the container's changes exactly (" + replay.size() + " changes)");

    for (LayerId id : List.of(committed, container, app, cleanup, base)) {
      driver.remove(id);
    }
    out.println("removed every layer; demo done");
  }

  private interface Edit {
    void apply(Path rootfs) throws IOException;
  }

  /** Makes a read-only layer the way a build does: edit a scratch writable layer, diff, register. */
  private LayerId layer(String name, Optional<LayerId> parent, Edit edit) throws IOException {
    LayerId scratch = LayerId.of(name + "-scratch");
    driver.createWritable(scratch, parent, Map.of());
    Path rootfs = driver.mount(scratch);
    try {
      edit.apply(rootfs);
    } finally {
      driver.unmount(scratch);
    }
    out.println();
    out.println("layer " + name + (parent.isPresent() ? " on " + parent.get() : " (base)") + ":");
    driver.changes(scratch).forEach(c -> out.println("  " + c));
    LayerId id = LayerId.of(name);
    ApplyResult r = commit(scratch, id, parent);
    driver.remove(scratch);
    out.println("  -> read-only layer " + id + ", DiffID " + r.diffId() + ", " + r.entries() + " tar entries");
    return id;
  }

  private ApplyResult commit(LayerId from, LayerId to, Optional<LayerId> parent) throws IOException {
    Path tar = scratchDir.resolve(to + ".tar");
    try (OutputStream os = Files.newOutputStream(tar)) {
      driver.diff(from, os);
    }
    try (InputStream in = Files.newInputStream(tar)) {
      return driver.createReadOnly(to, parent, in);
    }
  }

  private static void write(Path rootfs, String path, String content, String perms) throws IOException {
    Path p = rootfs.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
