package dev.strata.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * {@code strata} as the crash tests start it: the JVM starts and the command line is built (a
 * {@code --version} run that touches no store), then it prints {@code ready} and waits for a line
 * on stdin before running {@link Main#main} on its arguments. The JVM's start-up overlaps the
 * parent's checking of the last trial, and the kill delay counts from the moment the command
 * begins, so kills land over the operation rather than over the JVM's start.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws IOException {
    // Warming up further (opening a scratch store) made each trial slower: the parent then waits
    // for the child on two shared cores instead of the child waiting for the parent.
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    Main.run(nowhere, nowhere, false, "--version");
    System.out.println("ready");
    System.out.flush();
    if (System.in.read() < 0) {
      return; // the parent went away without a go
    }
    Main.main(args);
  }
}
