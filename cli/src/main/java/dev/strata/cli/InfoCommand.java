package dev.strata.cli;

import dev.strata.driver.DriverConfig;
import dev.strata.driver.GraphDriver;
import dev.strata.driver.GraphDrivers;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata info}: which driver serves the root, why, and what it reports. */
@Command(name = "info", description = "Show the storage root, the chosen driver and its status.")
final class InfoCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    var out = spec.commandLine().getOut();
    GraphDrivers drivers = new GraphDrivers();
    Path root = top.root.toAbsolutePath();
    String name;
    String reason;
    if (top.driver != null) {
      GraphDrivers.checkName(top.driver);
      name = top.driver;
      reason = "chosen with --driver";
    } else {
      GraphDrivers.Selection s = drivers.select(root);
      name = s.name();
      reason = s.reason();
    }
    out.println("Root:           " + root);
    out.println("Drivers:        " + String.join(", ", drivers.names()));
    drivers.problems().forEach(p -> out.println("Driver problem: " + p));
    out.println("Storage Driver: " + name + " (" + reason + ")");
    DriverConfig config = new DriverConfig(root.resolve(name), top.storageOptions, dev.strata.driver.Mounter.system());
    try (GraphDriver driver = drivers.open(name, config)) {
      for (Map.Entry<String, String> e : driver.status().entrySet()) {
        out.println(" " + e.getKey() + ": " + e.getValue());
      }
      out.println(" Capabilities: " + driver.capabilities());
      out.println(" Max depth: " + driver.maxDepth());
    }
    return ExitCodes.OK;
  }
}
