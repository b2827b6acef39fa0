package dev.strata.cli;

import dev.strata.files.FileTrees;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code strata} as the crash tests start it: the JVM starts and loads the command's classes (by
 * listing the images and volumes of a scratch root), then it prints {@code ready} and waits for a line
 * on stdin before running {@link Main#main} on its arguments. The JVM's start-up overlaps the
 * parent's checking of the last trial, and the kill delay counts from the moment the operation
 * begins, so kills land over the operation rather than over class loading.
 */
public final class CrashChild {

  private CrashChild() {}

  public static void main(String[] args) throws IOException {
    PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
    int driver = Arrays.asList(args).indexOf("--driver");
    Path scratch = Files.createTempDirectory("strata-warm-");
    try {
      // A root of its own: the trial's root is not touched before the go.
      Main.run(nowhere, nowhere, false, "--root", scratch.toString(), "--driver", args[driver + 1], "images");
      Main.run(nowhere, nowhere, false, "--root", scratch.toString(), "volume", "ls");
    } finally {
      FileTrees.delete(scratch);
    }
    System.out.println("ready");
    System.out.flush();
    if (System.in.read() < 0) {
      return; // the parent went away without a go
    }
    Main.main(args);
  }
}
