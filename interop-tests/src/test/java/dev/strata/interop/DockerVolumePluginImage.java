package dev.strata.interop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The image the plugin tests run: the static busybox with the applets they use, {@code docker
 * import}ed from a tar, so that no build (and no network for a RUN) is needed.
 */
final class DockerVolumePluginImage {

  private static final List<String> APPLETS = List.of("sh", "cat", "echo", "sleep", "ls");

  private DockerVolumePluginImage() {}

  /** Imports the image into {@code engine}, staging its files under {@code work}; returns its tag. */
  static String importInto(PrivateDockerd engine, Path work) throws IOException, InterruptedException {
    Path bin = Files.createDirectories(work.resolve("rootfs/bin"));
    Files.copy(DockerEngine.BUSYBOX, bin.resolve("busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    Path tar = work.resolve("rootfs.tar");
    Process p = new ProcessBuilder("tar", "-C", work.resolve("rootfs").toString(), "-cf", tar.toString(), ".")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException("tar of the test image failed: " + out);
    }
    String tag = "strata-volume-plugin-test:" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    engine.dockerOk("import", tar.toString(), tag);
    return tag;
  }
}
