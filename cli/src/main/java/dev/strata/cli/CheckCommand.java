package dev.strata.cli;

import dev.strata.check.CheckOptions;
import dev.strata.check.CheckReport;
import dev.strata.check.Finding;
import dev.strata.check.Retention;
import dev.strata.check.StoreCheck;
import dev.strata.driver.Mounter;
import dev.strata.json.Json;
import dev.strata.layer.LayerStoreConfig;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code strata check [--repair] [--quick]}: one line per finding ({@code KIND SUBJECT MESSAGE},
 * with what {@code --repair} did), then what holds the store's bytes. Exit 0 when the store is
 * consistent, or every finding was repaired; 8 when content is missing or modified; 5 for any other
 * problem left.
 */
@Command(name = "check", description = "Check the store's metadata, layer content and mounts; --repair fixes what loses no data.")
final class CheckCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Option(names = "--repair", description = "Fix what can be fixed without losing data, and say what was done.")
  boolean repair;

  @Option(names = "--quick", description = "Skip re-hashing every layer against its DiffID.")
  boolean quick;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CheckReport report;
    try (Progress progress = top.progress(err, "verifying layers", 0)) {
      CheckOptions.Progress listener = new CheckOptions.Progress() {
        private Progress bar = progress;

        @Override
        public void start(long totalBytes) {
          bar = top.progress(err, "verifying layers", totalBytes);
        }

        @Override
        public void advance(long bytes) {
          bar.advance(bytes);
        }
      };
      LayerStoreConfig config = new LayerStoreConfig(top.root, Optional.ofNullable(top.driver), top.storageOptions,
          Mounter.system());
      report = new StoreCheck(config, Mounter.system())
          .run(new CheckOptions(repair, !quick, listener));
    }
    if (top.format == StrataCommand.Format.json) {
      out.println(Json.prettyString(json(report)));
    } else {
      printTable(out, report);
    }
    out.flush();
    if (report.consistent()) {
      return ExitCodes.OK;
    }
    return report.dataLoss() ? ExitCodes.CORRUPT : ExitCodes.FAILED_PRECONDITION;
  }

  private static Map<String, Object> json(CheckReport report) {
    List<Map<String, Object>> findings = new ArrayList<>();
    for (Finding f : report.findings()) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("kind", f.kind().name());
      row.put("subject", f.subject());
      row.put("message", f.message());
      row.put("repaired", f.isRepaired());
      row.put("repair", f.repair().orElse(null));
      findings.add(row);
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("consistent", report.consistent());
    json.put("repair_requested", report.repairRequested());
    json.put("verified_layers", report.verifiedLayers());
    json.put("findings", findings);
    json.put("retention", report.retention());
    return json;
  }

  private static void printTable(PrintWriter out, CheckReport report) {
    for (Finding f : report.findings()) {
      out.println(f.kind() + "  " + f.subject() + "  " + f.message()
          + f.repair().map(r -> "  [repaired: " + r + "]").orElse(""));
    }
    if (report.findings().isEmpty()) {
      out.println("store is consistent (" + report.verifiedLayers() + " layer(s) verified against their DiffID)");
    } else if (report.consistent()) {
      out.println("every problem found was repaired; the store is consistent");
    } else {
      out.println(report.remaining().size() + " problem(s) remain");
    }
    Retention.Totals t = report.retention().totals();
    out.println("retained: images " + Output.size(t.images()) + ", containers " + Output.size(t.containers())
        + ", volumes " + Output.size(t.volumes()) + ", unreferenced " + Output.size(t.unreferenced()));
    for (Retention.LayerHolders l : report.retention().layers()) {
      StringBuilder line = new StringBuilder("layer ").append(l.chainId().substring(7, 19)).append("  ")
          .append(Output.size(l.size()));
      l.images().forEach(i -> line.append("  image ").append(i.tags().isEmpty() ? i.id().substring(7, 19) : i.tags()));
      l.containers().forEach(c -> line.append("  container ").append(c));
      if (!l.held()) {
        line.append("  unreferenced");
      }
      out.println(line);
    }
    for (Retention.VolumeHolders v : report.retention().volumes()) {
      out.println("volume " + v.name() + "  " + Output.size(v.size())
          + (v.containers().isEmpty() ? "  unreferenced" : "  containers " + v.containers()));
    }
  }
}
