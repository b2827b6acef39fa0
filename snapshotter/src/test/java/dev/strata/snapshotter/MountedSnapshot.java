package dev.strata.snapshotter;

import containerd.types.MountOuterClass;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Mounts returned by the snapshotter, performed with mount(8) as containerd would; close unmounts. */
final class MountedSnapshot implements AutoCloseable {

  private final Path target;
  private int mounted;

  private MountedSnapshot(Path target) {
    this.target = target;
  }

  static MountedSnapshot mount(List<MountOuterClass.Mount> mounts, Path target) throws IOException {
    Files.createDirectories(target);
    MountedSnapshot m = new MountedSnapshot(target);
    try {
      for (MountOuterClass.Mount mount : mounts) {
        List<String> cmd = new ArrayList<>(List.of("mount"));
        if (!mount.getOptionsList().contains("bind") && !mount.getOptionsList().contains("rbind")) {
          cmd.addAll(List.of("-t", mount.getType()));
        }
        if (mount.getOptionsCount() > 0) {
          cmd.addAll(List.of("-o", String.join(",", mount.getOptionsList())));
        }
        cmd.addAll(List.of(mount.getSource(), target.toString()));
        run(cmd);
        m.mounted++;
      }
    } catch (IOException | RuntimeException e) {
      m.close();
      throw e;
    }
    return m;
  }

  Path root() {
    return target;
  }

  @Override
  public void close() throws IOException {
    while (mounted > 0) {
      run(List.of("umount", target.toString()));
      mounted--;
    }
  }

  static String run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + cmd, e);
    }
    return out;
  }
}
