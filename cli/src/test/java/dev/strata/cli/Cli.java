package dev.strata.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code strata --root ROOT ...} in this process and captures what it prints. */
final class Cli {

  record Result(int exit, String out, String err) {

    List<String> lines() {
      return out.lines().toList();
    }

    String lastLine() {
      List<String> lines = lines();
      return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  static Result run(Path root, String... args) {
    List<String> all = new ArrayList<>(List.of("--root", root.toString(), "--driver", "vfs"));
    all.addAll(List.of(args));
    return runRaw(all.toArray(String[]::new));
  }

  static Result runRaw(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = Main.run(new PrintWriter(out), new PrintWriter(err), false, args);
    return new Result(exit, out.toString(), err.toString());
  }

  /** Runs and fails the test unless the command exits 0. */
  static Result ok(Path root, String... args) {
    Result r = run(root, args);
    if (r.exit() != 0) {
      throw new AssertionError("strata " + String.join(" ", args) + " failed: " + r);
    }
    return r;
  }
}
