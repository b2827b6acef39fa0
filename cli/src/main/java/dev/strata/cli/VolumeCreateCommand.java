package dev.strata.cli;

import dev.strata.volume.Volume;
import dev.strata.volume.VolumeSpec;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * {@code strata volume create [NAME]}: {@code docker volume create}. Prints the name; creating a
 * name again with the same options and labels is not an error, with others it exits 4.
 */
@Command(name = "create", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Create a volume; prints its name (64 hex digits when NAME is omitted).")
final class VolumeCreateCommand implements Callable<Integer> {

  @ParentCommand VolumeCommand volumes;
  @Spec CommandSpec spec;

  // Docker's --driver: the global --driver (the graph driver, which volumes never use) has that
  // name and is inherited here, so given after `create` it is read as the volume driver.
  @Option(names = "-d", paramLabel = "DRIVER",
      description = "Volume driver, also --driver (default: ${DEFAULT-VALUE}).")
  String driver = VolumeStore.LOCAL;

  @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE",
      description = "Driver option: type, device, o, size.")
  List<String> options = new ArrayList<>();

  @Option(names = "--label", paramLabel = "KEY[=VALUE]", description = "Label to set on the volume.")
  List<String> labels = new ArrayList<>();

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "Volume name.")
  String name;

  @Override
  public Integer call() throws IOException {
    try (VolumeStore store = volumes.open()) {
      Volume v = store.create(new VolumeSpec(Optional.ofNullable(name), volumeDriver(),
          KeyValues.options("-o, --opt", options), KeyValues.labels(labels)));
      spec.commandLine().getOut().println(v.name());
    }
    return ExitCodes.OK;
  }

  private String volumeDriver() {
    ParseResult parsed = spec.commandLine().getParseResult();
    if (!parsed.hasMatchedOption("-d") && parsed.hasMatchedOption("--driver")) {
      return volumes.top.driver;
    }
    return driver;
  }
}
