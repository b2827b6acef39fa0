package dev.strata.guest;

import dev.strata.posix.MountCalls;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boots a stock kernel in QEMU and runs a {@link TestRun} there. The host's root is shared
 * read-only (virtiofs tag {@code host}) and the run's output directory read-write (tag {@code out});
 * the guest's init chroots into the former, so every path is the host's.
 *
 * <p>Software emulation (TCG): this host's KVM runs only specially built guests. Two vCPUs and
 * 3 GiB; the tests' temporary files and loop images go to a scratch disk, not guest memory.
 */
final class QemuGuest {

  private static final String QEMU = "qemu-system-x86_64";
  private static final String MEMORY = "3G";
  private static final Path BUSYBOX = Path.of("/bin/busybox");
  /** The guest's one disk: a sparse file on the host, mounted at {@link TestRun#GUEST_TMPDIR}. */
  static final String SCRATCH_DEVICE = "/dev/vda";
  private static final long SCRATCH_SIZE = 16L << 30;

  private final StockKernel kernel;
  private final Duration timeout;
  private final PrintStream log;

  QemuGuest(StockKernel kernel, Duration timeout, PrintStream log) {
    this.kernel = kernel;
    this.timeout = timeout;
    this.log = log;
  }

  /** Runs {@code run} in the guest; returns the launcher's exit code. */
  int run(TestRun run) throws IOException, InterruptedException {
    Path out = run.out();
    if (out.toString().chars().anyMatch(Character::isWhitespace)) {
      throw new IOException("the output directory " + out + " has white space; the kernel's command line"
          + " cannot carry it");
    }
    onRootFileSystem(run);
    Path boot = Files.createDirectories(out.resolveSibling(out.getFileName() + "-boot"));
    Path initramfs = boot.resolve("initramfs.cpio");
    Initramfs.write(initramfs, kernel, BUSYBOX);
    Files.writeString(out.resolve("run.sh"), run.guestScript());
    Path console = boot.resolve("console.log");
    Path scratch = boot.resolve("scratch.img");
    try (RandomAccessFile f = new RandomAccessFile(scratch.toFile(), "rw")) {
      f.setLength(SCRATCH_SIZE);
    }
    long started = System.nanoTime();
    try (Teardown teardown = new Teardown()) {
      teardown.then(() -> Files.delete(scratch));
      ReadOnlyRoot root = teardown.closing(ReadOnlyRoot.bind(new MountCalls()));
      VirtioFsd host = teardown.closing(
          VirtioFsd.start(root.path(), boot.resolve("host.sock"), true, boot.resolve("virtiofsd-host.log")));
      VirtioFsd shared = teardown.closing(
          VirtioFsd.start(out, boot.resolve("out.sock"), false, boot.resolve("virtiofsd-out.log")));
      Process qemu = new ProcessBuilder(command(initramfs, scratch, host.socket(), shared.socket(), out))
          .redirectErrorStream(true)
          .redirectOutput(console.toFile())
          .start();
      teardown.then(() -> qemu.destroyForcibly().waitFor());
      if (!qemu.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new IOException("the guest did not finish within " + timeout.toMinutes() + " minutes; console: "
            + tail(console));
      }
    }
    Path runLog = out.resolve("run.log");
    if (Files.exists(runLog)) {
      log.print(Files.readString(runLog));
    }
    Path exit = out.resolve("exit");
    if (!Files.exists(exit)) {
      throw new IOException("the guest ended without running the tests; console: " + tail(console));
    }
    log.printf("kernel-guest: guest finished in %d s (boot, JVM and tests)%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
    return Integer.parseInt(Files.readString(exit).strip());
  }

  /**
   * The guest sees the host's root file system only (the bind is not recursive): the JDK, the
   * class path and the output directory must be on it.
   */
  private static void onRootFileSystem(TestRun run) throws IOException {
    FileStore root = Files.getFileStore(Path.of("/"));
    List<Path> needed = new ArrayList<>(run.classPathEntries());
    needed.add(Path.of(System.getProperty("java.home")));
    needed.add(run.out());
    for (Path p : needed) {
      if (Files.exists(p) && !Files.getFileStore(p).equals(root)) {
        throw new IOException(p + " is on " + Files.getFileStore(p) + ", not on the root file system, which is"
            + " all the guest sees; build on the root file system");
      }
    }
  }

  private List<String> command(Path initramfs, Path scratch, Path hostSocket, Path outSocket, Path out) {
    return List.of(QEMU,
        "-accel", "tcg", "-smp", "2", "-m", MEMORY,
        // vhost-user needs the guest's memory shared with the daemons.
        "-machine", "q35,memory-backend=mem",
        "-object", "memory-backend-memfd,id=mem,size=" + MEMORY + ",share=on",
        "-kernel", kernel.image().toString(), "-initrd", initramfs.toString(),
        "-append", "console=ttyS0 panic=-1 rdinit=/init strata_out=" + out,
        // The scratch disk ignores flushes: nothing on it outlives the run.
        "-drive", "file=" + scratch + ",format=raw,if=virtio,cache=unsafe",
        "-chardev", "socket,id=host,path=" + hostSocket,
        "-device", "vhost-user-fs-pci,chardev=host,tag=host",
        "-chardev", "socket,id=out,path=" + outSocket,
        "-device", "vhost-user-fs-pci,chardev=out,tag=out",
        "-display", "none", "-no-reboot", "-nic", "none", "-serial", "stdio", "-monitor", "none");
  }

  private static String tail(Path file) throws IOException {
    if (!Files.exists(file)) {
      return "(none)";
    }
    List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }
}
