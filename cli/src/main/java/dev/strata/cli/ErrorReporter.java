package dev.strata.cli;

import dev.strata.driver.error.StorageException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Prints one line on stderr per failure (a stack trace only with --debug) and picks the exit code. */
final class ErrorReporter implements IExecutionExceptionHandler {

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
    boolean debug = parsed.hasMatchedOption("--debug");
    cl.getErr().println("strata: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
    if (debug) {
      e.printStackTrace(cl.getErr());
    }
    cl.getErr().flush();
    if (e instanceof StorageException se) {
      return ExitCodes.of(se);
    }
    return ExitCodes.IO_ERROR;
  }
}
