package dev.strata.cli;

import java.io.IOException;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Docker's way with several arguments ({@code rm a b c}): each is tried, a failure is reported on
 * stderr and the next one tried, and the command exits with the first failure's code.
 */
final class EachArgument {

  /** What is done to one argument. */
  interface Action {
    void run(String argument) throws IOException;
  }

  private EachArgument() {}

  static int run(List<String> arguments, CommandSpec spec, boolean debug, Action action) {
    int exit = ExitCodes.OK;
    for (String argument : arguments) {
      try {
        action.run(argument);
      } catch (IOException e) {
        spec.commandLine().getOut().flush(); // what went before the failure shows before its line
        int code = ErrorReporter.report(spec.commandLine().getErr(), e, debug);
        exit = exit == ExitCodes.OK ? code : exit;
      }
    }
    return exit;
  }
}
