package dev.strata.cli;

import dev.strata.volume.VolumeStore;
import java.io.IOException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/**
 * {@code strata volume}: {@code docker volume} over {@link VolumeStore}, kept in
 * {@code <root>/volumes}. Only {@code --root} applies; no graph driver is opened.
 */
@Command(
    name = "volume", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Manage volumes.",
    subcommands = {
        VolumeCreateCommand.class, VolumeLsCommand.class, VolumeInspectCommand.class,
        VolumeRmCommand.class, VolumePruneCommand.class})
final class VolumeCommand {

  @ParentCommand StrataCommand top;

  VolumeStore open() throws IOException {
    return top.openVolumes();
  }
}
