package dev.strata.cli;

import picocli.CommandLine;

/** Process entry point: runs {@link StrataCommand} and exits with its code. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line without exiting, for tests. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new StrataCommand());
    cl.setExecutionExceptionHandler(new ErrorReporter());
    return cl.execute(args);
  }
}
