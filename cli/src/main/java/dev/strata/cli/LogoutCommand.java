package dev.strata.cli;

import dev.strata.registry.ImageName;
import dev.strata.registry.RegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code strata logout [REGISTRY]}: forgets the stored credentials, as {@code docker logout}. */
@Command(name = "logout", description = "Forget the credentials of a registry (default: docker.io).")
final class LogoutCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin RegistryOptions registries;

  @Parameters(arity = "0..1", paramLabel = "REGISTRY", defaultValue = ImageName.DOCKER_HUB,
      description = "HOST[:PORT] (default: ${DEFAULT-VALUE}).")
  String registry;

  @Override
  public Integer call() throws IOException {
    String host = LoginCommand.normalize(registry);
    PrintWriter out = spec.commandLine().getOut();
    try (RegistryClient client = RegistryClient.open(registries.config().build())) {
      out.println(client.logout(host) ? "Removing login credentials for " + host : "Not logged in to " + host);
    }
    return ExitCodes.OK;
  }
}
