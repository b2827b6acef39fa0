package dev.strata.cli;

import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata volume inspect NAME...}: {@code docker volume inspect}. Prints the volumes found
 * as one JSON array (empty when none), then one error line per missing name, and exits with the
 * first failure's code (3 for a missing volume).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Show volumes as a JSON array.")
final class VolumeInspectCommand implements Callable<Integer> {

  @ParentCommand VolumeCommand volumes;
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "NAME", description = "Volume names.")
  List<String> names;

  @Override
  public Integer call() throws IOException {
    List<Map<String, Object>> found = new ArrayList<>();
    List<IOException> failures = new ArrayList<>();
    try (VolumeStore store = volumes.open()) {
      for (String name : names) {
        try {
          found.add(VolumeJson.of(store.get(name)));
        } catch (IOException e) {
          failures.add(e);
        }
      }
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(VolumeJson.array(found));
    out.flush();
    int exit = ExitCodes.OK;
    for (IOException e : failures) {
      int code = ErrorReporter.report(spec.commandLine().getErr(), e, volumes.top.debug);
      exit = exit == ExitCodes.OK ? code : exit;
    }
    return exit;
  }
}
