package dev.strata.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import picocli.CommandLine;

/** Process entry point: runs {@link StrataCommand} and exits with its code. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    QuietLogging.install(Arrays.asList(args).contains("--debug"));
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
