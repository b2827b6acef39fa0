package dev.strata.cli;

import dev.strata.container.Container;
import dev.strata.volume.MountSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata create [--name C] [-v SPEC]... [--mount SPEC]... [--tmpfs SPEC]... [--storage-opt K=V]...
 * IMAGE}: a
 * container's write layer on the image's top layer, over an init layer with Docker's placeholders,
 * with the volumes, binds and tmpfs it mounts (taking references on the volumes). Prints the
 * container's name.
 */
@Command(name = "create", description = "Create a container (a write layer) on an image.")
final class CreateCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--name", paramLabel = "NAME", description = "Container name (default: generated).")
  String name;

  @Option(names = {"-v", "--volume"}, paramLabel = "[SRC:]DST[:OPTS]",
      description = "Bind a host path (absolute SRC) or a named volume (SRC a name; none: anonymous) at DST.")
  List<String> volumes = new ArrayList<>();

  @Option(names = "--mount", paramLabel = "type=...,source=...,target=...",
      description = "A bind, volume or tmpfs mount in Docker's --mount syntax.")
  List<String> mounts = new ArrayList<>();

  @Option(names = "--tmpfs", paramLabel = "DST[:OPTS]", description = "A tmpfs at DST (OPTS: size=64m,mode=1777,...).")
  List<String> tmpfs = new ArrayList<>();

  @Option(names = "--storage-opt", paramLabel = "KEY=VALUE",
      description = "An option for the container's write layer, as Docker's: size=50M limits it"
          + " (overlay2 on xfs mounted with prjquota, btrfs).")
  List<String> storageOptions = new ArrayList<>();

  @Parameters(index = "0", paramLabel = "IMAGE", description = "Image by tag, id or id prefix.")
  String image;

  @Override
  public Integer call() throws Exception {
    // Parsed before anything is opened: a bad spec changes nothing.
    List<MountSpec> specs = new ArrayList<>();
    for (String v : volumes) {
      specs.add(MountSpec.parseVolume(v));
    }
    for (String m : mounts) {
      specs.add(MountSpec.parseMount(m));
    }
    for (String t : tmpfs) {
      specs.add(MountSpec.parseTmpfs(t));
    }
    MountSpec.checkDestinations(specs);
    Map<String, String> options = KeyValues.options("--storage-opt", storageOptions);
    try (Stores stores = top.openStores()) {
      Container created = stores.containers.create(Optional.ofNullable(name), image, specs, options);
      spec.commandLine().getOut().println(created.name());
    }
    return ExitCodes.OK;
  }
}
