package dev.strata.cli;

import dev.strata.json.Json;
import dev.strata.usage.StoreUsage;
import dev.strata.usage.UsageReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata system df}: {@code docker system df} from the store's records (see {@link
 * StoreUsage}). The JSON form, with {@code -v} adding the three lists:
 *
 * <pre>
 * {"images":     {"total", "active", "size_bytes", "reclaimable_bytes",
 *                 "list": [{"id", "repo_tags", "created", "size_bytes", "shared_size_bytes",
 *                           "unique_size_bytes", "containers"}]},
 *  "containers": {"total", "active", "size_bytes", "reclaimable_bytes",
 *                 "list": [{"id", "names", "image", "size_bytes", "created"}]},
 *  "volumes":    {"total", "active", "size_bytes", "reclaimable_bytes",
 *                 "list": [{"name", "links", "size_bytes"}]}}
 * </pre>
 */
@Command(name = "df", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = {"Show disk usage by images, containers and local volumes.",
        "Sizes are content bytes (regular files' sizes, shared layers once). Active: images used by a container,"
            + " mounted containers, volumes referenced by a container. Reclaimable: what only inactive ones hold.",
        "--format json prints {\"images\":{...},\"containers\":{...},\"volumes\":{...}}, each with total, active,"
            + " size_bytes and reclaimable_bytes; -v adds \"list\" to each: images {id, repo_tags, created,"
            + " size_bytes, shared_size_bytes, unique_size_bytes, containers}, containers {id, names, image,"
            + " size_bytes, created}, volumes {name, links, size_bytes}."})
final class SystemDfCommand implements Callable<Integer> {

  @ParentCommand SystemCommand system;
  @Spec CommandSpec spec;

  @Option(names = {"-v", "--verbose"}, description = "List each image, container and volume.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    UsageReport df;
    try (Stores stores = system.top.openStores()) {
      df = new StoreUsage(stores.images, stores.containers, stores.volumes).report();
    }
    PrintWriter out = spec.commandLine().getOut();
    if (system.top.format == StrataCommand.Format.json) {
      out.println(Json.prettyString(UsageJson.of(df, verbose)));
    } else {
      new UsageTables(out).print(df, verbose);
    }
    out.flush();
    return ExitCodes.OK;
  }
}
