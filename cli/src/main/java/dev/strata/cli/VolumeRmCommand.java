package dev.strata.cli;

import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata volume rm [-f] NAME...}: {@code docker volume rm}. Prints each name removed, goes
 * on past one it cannot remove and exits with the first failure's code (5 while in use).
 */
@Command(name = "rm", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    aliases = "remove", description = "Remove volumes not used by any container.")
final class VolumeRmCommand implements Callable<Integer> {

  @ParentCommand VolumeCommand volumes;
  @Spec CommandSpec spec;

  @Option(names = {"-f", "--force"}, description = "Do not fail on a missing volume (one in use is still kept).")
  boolean force;

  @Parameters(arity = "1..*", paramLabel = "NAME", description = "Volume names.")
  List<String> names;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    try (VolumeStore store = volumes.open()) {
      return EachArgument.run(names, spec, volumes.top.debug, name -> {
        store.remove(name, force);
        out.println(name);
      });
    }
  }
}
