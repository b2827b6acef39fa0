package dev.strata.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code strata system}: commands about the whole store, as {@code docker system}. */
@Command(
    name = "system", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Manage the store as a whole.", subcommands = SystemDfCommand.class)
final class SystemCommand {

  @ParentCommand StrataCommand top;
}
