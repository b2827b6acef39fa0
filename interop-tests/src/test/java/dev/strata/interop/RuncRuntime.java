package dev.strata.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's runc with a state directory of its own ({@code runc --root}), so that the tests never
 * see or touch containers anyone else runs. {@link #close()} deletes every container left in it,
 * then the directory.
 */
final class RuncRuntime implements AutoCloseable {

  static final Path RUNC = Path.of("/usr/sbin/runc");
  /** Generous: a busybox script takes well under a second; only a hang comes near this. */
  private static final long DEADLINE_SECONDS = 120;

  /** What a {@code runc run} printed and how it ended. */
  record Run(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private final Path state;
  private final Path logs;
  private int runs;

  private RuncRuntime(Path state, Path logs) {
    this.state = state;
    this.logs = logs;
  }

  /** A runtime keeping its state under {@code dir} (made fresh). Fails without runc: CI installs it. */
  static RuncRuntime in(Path dir) throws IOException {
    if (!Files.isExecutable(RUNC)) {
      throw new IllegalStateException("needs " + RUNC + ": apt-get install runc");
    }
    return new RuncRuntime(Files.createDirectories(dir.resolve("runc-state")),
        Files.createDirectories(dir.resolve("runc-output")));
  }

  /**
   * {@code runc run -b bundle id} in the foreground, without a terminal or input, until the process
   * exits; runc deletes the container when it does.
   */
  Run run(Path bundle, String id) throws IOException, InterruptedException {
    int n = runs++;
    Path out = logs.resolve(n + ".out");
    Path err = logs.resolve(n + ".err");
    Process p = new ProcessBuilder(RUNC.toString(), "--root", state.toString(), "run", "-b", bundle.toString(), id)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new IOException("runc run " + id + " did not finish within " + DEADLINE_SECONDS + " s: "
          + Files.readString(err));
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** The ids of the containers runc still knows. */
  List<String> list() throws IOException, InterruptedException {
    return List.of(runc("list", "-q").lines().filter(l -> !l.isBlank()).toArray(String[]::new));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    List<String> failures = new ArrayList<>();
    for (String id : list()) {
      try {
        runc("delete", "-f", id);
      } catch (IOException e) {
        failures.add(e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      throw new IOException("could not delete runc containers: " + failures);
    }
    try (var walk = Files.walk(state)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private String runc(String... args) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(RUNC.toString(), "--root", state.toString()));
    line.addAll(List.of(args));
    Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("runc " + String.join(" ", args) + " failed: " + output);
    }
    return output;
  }
}
