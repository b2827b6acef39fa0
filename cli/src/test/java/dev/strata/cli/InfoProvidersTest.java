package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strata info} lists every driver provider with its probe of the root, and one that fails
 * to load with the reason, which is logged as well; a separate process, so that the broken
 * provider is found by {@code ServiceLoader} there and nowhere else.
 */
class InfoProvidersTest {

  @TempDir Path tmp;

  @Test
  void info_brokenProviderOnClassPath_listsEveryProbeAndTheLoadFailure() throws Exception {
    Path services = Files.createDirectories(tmp.resolve("broken/META-INF/services"));
    Files.writeString(services.resolve("dev.strata.driver.GraphDriverProvider"),
        UnloadableDriverProvider.class.getName() + "\n");

    Run r = strata(tmp.resolve("broken"), "--root", tmp.resolve("root").toString(), "--driver", "vfs", "--debug", "info");

    assertEquals(0, r.exit(), r.toString());
    List<String> lines = r.out().lines().toList();
    assertTrue(lines.stream().anyMatch(l -> l.matches("Drivers:\\s+3 loaded, 1 failed to load")), r.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("  vfs:\\s+supported: .+")), r.toString());
    assertTrue(lines.stream().anyMatch(l -> l.matches("  btrfs:\\s+(un)?supported: .+")), r.toString());
    String broken = "  " + UnloadableDriverProvider.class.getName() + ":";
    assertTrue(lines.stream().anyMatch(l -> l.startsWith(broken)
        && l.substring(broken.length()).strip().startsWith("failed to load: ")
        && l.contains("this provider's native library is missing")), r.toString());
    assertTrue(r.err().contains("storage driver provider " + UnloadableDriverProvider.class.getName() + " failed to load"),
        "the load failure is logged: " + r);
  }

  private record Run(int exit, String out, String err) {}

  private Run strata(Path extraClassPath, String... args) throws IOException, InterruptedException {
    String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))
        + File.pathSeparator + extraClassPath;
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classPath, Main.class.getName()));
    command.addAll(List.of(args));
    Path out = tmp.resolve("out");
    Path err = tmp.resolve("err");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("strata " + String.join(" ", args) + " did not finish in 120 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
