package dev.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * {@code strata} as the crash tests start it: the JVM starts and the command line is built (a
 * {@code --version} run that touches no store), then it prints {@link #READY} and waits for a line
 * on stdin. On that line it prints {@link #BEGUN}, runs the command, and prints {@link #FINISHED}
 * with the exit code before it exits with it. The JVM's start-up overlaps the parent's checking of
 * the last trial, and the parent times its kill or power cut from the moment the command began, so
 * both land over the operation rather than over the JVM's start; the lines the parent finds in the
 * pipe after the kill say in which phase it landed. Stdout carries nothing else: the command's own
 * output goes to stderr, which the parent keeps in a file.
 */
public final class CrashChild {

  static final String READY = "ready";
  static final String BEGUN = "begun";
  /** Followed by a space and the command's exit code. */
  static final String FINISHED = "finished";

  private CrashChild() {}

  public static void main(String[] args) throws IOException {
    // Warming up further (opening a scratch store) made each trial slower: the parent then waits
    // for the child on two shared cores instead of the child waiting for the parent.
    QuietLogging.install(false);
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    Main.run(nowhere, nowhere, false, "--version");
    System.out.println(READY);
    System.out.flush();
    if (System.in.read() < 0) {
      return; // the parent went away without a go
    }
    PrintWriter log = new PrintWriter(System.err, true);
    System.out.println(BEGUN);
    System.out.flush();
    int exit = Main.run(log, log, false, args);
    System.out.println(FINISHED + " " + exit);
    System.out.flush();
    System.exit(exit);
  }
}
