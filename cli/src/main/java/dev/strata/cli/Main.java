package dev.strata.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;

/** Process entry point: runs {@link StrataCommand} and exits with its code. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // The libraries log what they repair (a stale mount swept, a leftover removed) for a daemon's
    // log; a command prints one line per error instead, so their chatter shows only with --debug.
    Logger.getLogger("").setLevel(Arrays.asList(args).contains("--debug") ? Level.INFO : Level.SEVERE);
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, Progress.terminal(), args));
  }

  /** Runs the command line on the process's stdout and stderr without exiting. */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), false, args);
  }

  /**
   * Runs the command line without exiting, writing to {@code out} and {@code err}, for tests and
   * for {@code strata demo}, which narrates the commands it runs.
   *
   * @param terminal whether {@code err} is a terminal (progress bars are drawn only then)
   */
  public static int run(PrintWriter out, PrintWriter err, boolean terminal, String... args) {
    StrataCommand top = new StrataCommand(terminal);
    CommandLine cl = new CommandLine(top);
    Subcommands.register(cl, args);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler(new ErrorReporter());
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
