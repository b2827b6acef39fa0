package dev.strata.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code strata serve} process itself, as an operator runs it, under Debian's containerd and a
 * Docker 20.10 engine at once: containerd imports and runs an image through the snapshotter
 * socket, Docker's containers share a volume through the plugin socket, and a server restarted
 * under a running containerd answers for the same snapshots.
 */
class ServeForRuntimesTest {

  @TempDir Path dir;

  @Test
  void serve_underContainerdAndDocker_bothRuntimesUseTheRootAcrossARestart() throws Exception {
    Path root = dir.resolve("root");
    Path snapshotter = dir.resolve("run/snapshotter.sock");
    String plugin = "strata-serve-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    Path pluginSocket = Path.of("/run/docker/plugins", plugin + ".sock");
    String[] sockets = {"--snapshotter-socket", snapshotter.toString(), "--volume-plugin-socket", pluginSocket.toString()};

    try (PrivateDockerd docker = PrivateDockerd.start(dir.resolve("docker"))) {
      String image = DockerVolumePluginImage.importInto(docker, dir.resolve("image"));
      Path archive = dir.resolve("image.tar");
      docker.dockerOk("save", "-o", archive.toString(), image);

      ServeProcess serve = ServeProcess.start(root, "overlay2", dir.resolve("serve-1.log"), sockets);
      try (ContainerdDaemon containerd = ContainerdDaemon.start(dir.resolve("containerd"), snapshotter)) {
        String s = ContainerdDaemon.SNAPSHOTTER;
        containerd.ctrOk("images", "import", "--snapshotter", s, archive.toString());
        ContainerdDaemon.Result run = containerd.ctr(List.of("run", "--snapshotter", s, "--rm",
            "docker.io/library/" + image, "c1", "sh", "-c", "echo served > /x; cat /x; exit 4"));
        assertEquals(4, run.exit(), run.err());
        assertEquals("served\n", run.out());
        String before = containerd.ctrOk("snapshots", "--snapshotter", s, "ls");

        assertEquals(0, serve.stop(), serve.log());
        assertTrue(serve.log().contains("strata serve: stopped"), serve.log());
        ContainerdDaemon.Result down = containerd.ctr(List.of("snapshots", "--snapshotter", s, "ls"));
        assertNotEquals(0, down.exit(), "with the server stopped, containerd cannot list: " + down.out());

        serve = ServeProcess.start(root, "overlay2", dir.resolve("serve-2.log"), sockets);
        assertEquals(before, listOnceReconnected(containerd), "the restarted server answers for the same snapshots");
        run = containerd.ctr(List.of("run", "--snapshotter", s, "--rm", "docker.io/library/" + image, "c2",
            "echo", "again"));
        assertEquals(0, run.exit(), run.err());
        assertEquals("again\n", run.out());

        docker.dockerOk("volume", "create", "-d", plugin, "shared");
        docker.dockerOk("run", "--rm", "--network", "none", "-v", "shared:/data", image,
            "sh", "-c", "echo from-docker > /data/f");
        assertEquals("from-docker", docker.dockerOk("run", "--rm", "--network", "none", "-v", "shared:/data", image,
            "cat", "/data/f"));
        assertEquals(List.of("shared"), strata(root, "volume", "ls", "-q"), "strata volume ls beside the server");
        assertEquals("from-docker\n", Files.readString(root.resolve("volumes/shared/_data/f")),
            "the volume's data is in the root's volumes");
        docker.dockerOk("volume", "rm", "shared");
        assertEquals(List.of(), strata(root, "volume", "ls", "-q"));
      } finally {
        assertEquals(0, serve.stop(), serve.log());
      }
      assertTrue(!Files.exists(pluginSocket, LinkOption.NOFOLLOW_LINKS) && !Files.exists(snapshotter, LinkOption.NOFOLLOW_LINKS),
          "the server removes its sockets when it stops");
    }
  }

  /**
   * containerd's client of the snapshotter saw the socket go and backs off before it dials again
   * (grpc-go's reconnect backoff), so the first calls after the restart may still fail as
   * unavailable: they are retried until a deadline that only ends a hang.
   */
  private static String listOnceReconnected(ContainerdDaemon containerd) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (true) {
      ContainerdDaemon.Result r = containerd.ctr(List.of("snapshots", "--snapshotter", ContainerdDaemon.SNAPSHOTTER, "ls"));
      if (r.exit() == 0) {
        return r.out();
      }
      if (!r.err().contains("unavailable") || System.nanoTime() > deadline) {
        throw new AssertionError("containerd does not reach the restarted server: " + r.err());
      }
      Thread.sleep(500);
    }
  }

  /** A {@code strata} command in this process, on the served root. */
  private static List<String> strata(Path root, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 2];
    all[0] = "--root";
    all[1] = root.toString();
    System.arraycopy(args, 0, all, 2, args.length);
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), false, all);
    assertEquals(0, exit, "strata " + Arrays.toString(args) + ": " + err);
    return out.toString().lines().toList();
  }
}
