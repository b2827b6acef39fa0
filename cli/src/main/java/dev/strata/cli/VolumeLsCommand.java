package dev.strata.cli;

import dev.strata.volume.Volume;
import dev.strata.volume.VolumeFilter;
import dev.strata.volume.VolumeStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata volume ls}: {@code docker volume ls}, by name. The table is Docker's
 * {@code DRIVER  VOLUME NAME}; {@code --format json} prints what {@code volume inspect} prints
 * plus {@code UsageData.RefCount}; {@code -q} prints names only, whatever the format.
 */
@Command(name = "ls", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    aliases = "list", description = "List volumes.")
final class VolumeLsCommand implements Callable<Integer> {

  private static final List<String> COLUMNS = List.of("driver", "volume_name");

  @ParentCommand VolumeCommand volumes;
  @Spec CommandSpec spec;

  @Option(names = {"-q", "--quiet"}, description = "Print volume names only.")
  boolean quiet;

  @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
      description = "dangling=true|false, name=SUBSTRING, label=KEY[=VALUE], driver=NAME.")
  List<String> filters = new ArrayList<>();

  @Override
  public Integer call() throws IOException {
    VolumeFilter filter = VolumeFilter.parse(filters);
    List<Volume> found;
    try (VolumeStore store = volumes.open()) {
      found = store.list(filter);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (quiet) {
      found.forEach(v -> out.println(v.name()));
    } else if (volumes.top.format == StrataCommand.Format.json) {
      out.println(VolumeJson.array(found.stream().map(VolumeJson::withUsage).toList()));
    } else {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Volume v : found) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("driver", v.driver());
        row.put("volume_name", v.name());
        rows.add(row);
      }
      new Output(out, volumes.top.format).table(COLUMNS, rows);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
