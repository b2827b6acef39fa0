package dev.strata.cli;

import dev.strata.container.ContainerStore;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code strata info}: the root, the driver serving it and why, and what it holds. */
@Command(name = "info", description = "Show the storage root, the chosen driver, its status and counts.")
final class InfoCommand implements Callable<Integer> {

  @ParentCommand StrataCommand top;
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try (Stores stores = top.openStores()) {
      Map<String, String> status = stores.layers.status();
      status.put("Images", Integer.toString(stores.images.images().size()));
      status.remove("ContainerStore");
      status.put("ContainerStore", Integer.toString(stores.containers.list().size()));
      int width = status.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
      for (Map.Entry<String, String> e : status.entrySet()) {
        String key = e.getKey() + ":";
        out.println(key + " ".repeat(Math.max(1, width - key.length() + 1)) + e.getValue());
      }
    }
    return ExitCodes.OK;
  }
}
