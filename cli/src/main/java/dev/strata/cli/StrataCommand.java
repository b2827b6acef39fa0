package dev.strata.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code strata}: the top-level command and the options every subcommand shares. */
@Command(
    name = "strata",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Container layer storage: drivers, layers, diffs.",
    subcommands = {InfoCommand.class, DemoCommand.class})
final class StrataCommand {

  @Option(names = "--root", scope = ScopeType.INHERIT, description = "Storage root (default: ${DEFAULT-VALUE}).")
  Path root = Path.of("/var/lib/strata");

  @Option(names = "--driver", scope = ScopeType.INHERIT, description = "Storage driver (default: auto-selected).")
  String driver;

  @Option(names = "--storage-opt", scope = ScopeType.INHERIT, description = "Driver option key=value.")
  Map<String, String> storageOptions = Map.of();

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean debug;
}
