package dev.strata.guest;

import dev.strata.posix.FileNodes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs test classes that need kernel features this host may lack: natively where the kernel has
 * them, otherwise inside a stock Debian kernel booted in QEMU with the host's root shared read-only.
 * Either way the JUnit console launcher runs the classes on this JVM's class path and writes its
 * XML report under {@code OUT/reports}; the exit code is the launcher's.
 *
 * <pre>{@code
 * java -cp CLASSPATH dev.strata.guest.GuestTests [--mode=auto|guest|native|off] --out=DIR CLASS...
 * }</pre>
 *
 * <p>{@code auto} (the default) probes this kernel for xfs project quotas, the feature the classes
 * need; {@code off} runs nothing and says so.
 */
public final class GuestTests {

  /** Long enough for a loaded two-core machine under TCG; a hung guest must not hang the build. */
  private static final Duration GUEST_TIMEOUT = Duration.ofMinutes(25);

  private GuestTests() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    System.exit(run(args, System.out));
  }

  static int run(String[] args, PrintStream log) throws IOException, InterruptedException {
    String mode = "auto";
    Path out = null;
    List<String> classes = new ArrayList<>();
    for (String arg : args) {
      if (arg.startsWith("--mode=")) {
        mode = arg.substring("--mode=".length());
      } else if (arg.startsWith("--out=")) {
        out = Path.of(arg.substring("--out=".length())).toAbsolutePath();
      } else if (arg.startsWith("--")) {
        throw new IllegalArgumentException("unknown option " + arg);
      } else {
        classes.add(arg);
      }
    }
    if (out == null || classes.isEmpty()) {
      throw new IllegalArgumentException("usage: GuestTests [--mode=auto|guest|native|off] --out=DIR CLASS...");
    }
    if (mode.equals("off")) {
      log.println("kernel-guest: --mode=off: " + classes.size() + " test classes not run");
      return 0;
    }
    if (!new FileNodes().isRoot()) {
      log.println("kernel-guest: not root: loop devices, mounts and quotas need root; "
          + classes.size() + " test classes not run");
      return 0;
    }
    TestRun run = new TestRun(System.getProperty("java.class.path"), classes, out);
    boolean inGuest = switch (mode) {
      case "guest" -> true;
      case "native" -> false;
      case "auto" -> !HostKernel.hasXfsProjectQuotas();
      default -> throw new IllegalArgumentException("unknown --mode=" + mode + "; auto, guest, native or off");
    };
    run.prepare();
    if (!inGuest) {
      log.println("kernel-guest: this kernel has xfs project quotas; running natively");
      return run.runNatively();
    }
    log.println("kernel-guest: this kernel lacks xfs project quotas; running in a stock kernel guest");
    StockKernel kernel = StockKernel.find(Path.of("/boot"), Path.of("/lib/modules"));
    log.println("kernel-guest: kernel " + kernel.release());
    return new QemuGuest(kernel, GUEST_TIMEOUT, log).run(run);
  }
}
