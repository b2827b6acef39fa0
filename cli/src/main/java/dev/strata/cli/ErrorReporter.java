package dev.strata.cli;

import dev.strata.driver.error.StorageException;
import java.io.PrintWriter;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/** Prints one line on stderr per failure (a stack trace only with --debug) and picks the exit code. */
final class ErrorReporter implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    return report(cl.getErr(), e, parsed.hasMatchedOption("--debug"));
  }

  /**
   * Reports one failure and returns its exit code; commands that work through several names
   * ({@code rmi}, {@code rm}) use it to go on past a failure as Docker does.
   */
  static int report(PrintWriter err, Exception e, boolean debug) {
    err.println("strata: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (debug) {
      e.printStackTrace(err);
    }
    err.flush();
    if (e instanceof StorageException se) {
      return ExitCodes.of(se);
    }
    return ExitCodes.IO_ERROR;
  }
}
