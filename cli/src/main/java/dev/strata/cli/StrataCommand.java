package dev.strata.cli;

import dev.strata.driver.Mounter;
import dev.strata.layer.LayerStore;
import dev.strata.layer.LayerStoreConfig;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code strata}: the top-level command and the options every subcommand shares. */
@Command(
    name = "strata",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Container layer storage: drivers, layers, images, containers, volumes.")
// Subcommands are added by Subcommands.register, only those the command line can reach.
final class StrataCommand {

  /** Output format of listings. */
  enum Format { table, json }

  @Option(names = "--root", scope = ScopeType.INHERIT, description = "Storage root (default: ${DEFAULT-VALUE}).")
  Path root = Path.of("/var/lib/strata");

  @Option(names = "--driver", scope = ScopeType.INHERIT, description = "Storage driver (default: auto-selected).")
  String driver;

  // Before the command only, as dockerd's --storage-opt: after `create` the same flag is the
  // container's own (docker create --storage-opt size=...).
  @Option(names = "--storage-opt", scope = ScopeType.LOCAL, description = "Driver option key=value (before the command).")
  Map<String, String> storageOptions = Map.of();

  @Option(names = "--format", scope = ScopeType.INHERIT, description = "Listing format: ${COMPLETION-CANDIDATES}.")
  Format format = Format.table;

  @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean debug;

  private final boolean terminal;

  StrataCommand(boolean terminal) {
    this.terminal = terminal;
  }

  /** The layer store the global options describe. */
  LayerStoreConfig storeConfig() {
    return new LayerStoreConfig(root, Optional.ofNullable(driver), storageOptions, Mounter.system());
  }

  /** Opens the layer store the global options describe. */
  LayerStore openStore() throws IOException {
    return LayerStore.open(storeConfig());
  }

  /** Opens the layer store, the image store and the container records of the root. */
  Stores openStores() throws IOException {
    return Stores.open(openStore(), Mounter.system());
  }

  /**
   * Opens the volumes of the root. Volumes need no graph driver, so this never opens the layer
   * store: {@code --driver} and {@code --storage-opt} do not apply.
   */
  VolumeStore openVolumes() throws IOException {
    return VolumeStore.open(root);
  }

  /** True when the process talks to a terminal, so a command may ask the user a question. */
  boolean terminal() {
    return terminal;
  }

  /** A progress bar on {@code err}, drawn only when stderr is a terminal. */
  Progress progress(PrintWriter err, String label, long total) {
    return new Progress(err, terminal, label, total);
  }
}
