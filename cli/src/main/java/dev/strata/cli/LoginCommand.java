package dev.strata.cli;

import dev.strata.registry.ImageName;
import dev.strata.registry.RegistryClient;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code strata login [-u USER] [-p PASS | --password-stdin] [REGISTRY]}: checks the credentials
 * against the registry and keeps them in the credentials file ({@code --auth-file}). Missing ones
 * are asked for on a terminal, the password without echo. The password is never printed, logged
 * or put in an error message.
 */
@Command(name = "login", description = "Log in to a registry (default: docker.io).")
final class LoginCommand implements Callable<Integer> {

  private static final int MAX_PASSWORD = 64 * 1024;

  @Spec CommandSpec spec;
  @Mixin RegistryOptions registries;

  @Option(names = {"-u", "--username"}, paramLabel = "USER", description = "User name.")
  String username;

  @Option(names = {"-p", "--password"}, paramLabel = "PASS",
      description = "Password or token; it stays in the shell history and the process list, prefer --password-stdin.")
  String password;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  boolean passwordStdin;

  @Parameters(arity = "0..1", paramLabel = "REGISTRY", defaultValue = ImageName.DOCKER_HUB,
      description = "HOST[:PORT] (default: ${DEFAULT-VALUE}).")
  String registry;

  @Override
  public Integer call() throws IOException {
    PrintWriter err = spec.commandLine().getErr();
    if (password != null && passwordStdin) {
      return usage("--password and --password-stdin are mutually exclusive");
    }
    if (password != null) {
      err.println("WARNING! Using --password via the CLI is insecure. Use --password-stdin.");
      err.flush();
    }
    Console console = System.console();
    String user = username;
    String secret = password;
    if (passwordStdin) {
      if (user == null) {
        return usage("must provide --username with --password-stdin");
      }
      secret = readStdin(System.in);
    }
    if (user == null || secret == null) {
      if (console == null) {
        return usage("cannot ask for credentials without a terminal; use -u and --password-stdin");
      }
      if (user == null) {
        user = console.readLine("Username: ");
      }
      if (secret == null) {
        char[] typed = console.readPassword("Password: ");
        secret = typed == null ? "" : new String(typed);
      }
    }
    if (user == null || user.isBlank() || secret.isEmpty()) {
      return usage("a user name and a password are required");
    }
    String host = normalize(registry);
    try (RegistryClient client = RegistryClient.open(registries.config().build())) {
      client.login(host, user.strip(), secret);
    }
    spec.commandLine().getOut().println("Login Succeeded");
    return ExitCodes.OK;
  }

  /** {@code https://host/} and Docker Hub's aliases as the credentials file keys them. */
  static String normalize(String registry) {
    String r = registry.replaceFirst("^https?://", "");
    int slash = r.indexOf('/');
    if (slash >= 0) {
      r = r.substring(0, slash);
    }
    return r.equals("index.docker.io") || r.equals("registry-1.docker.io") ? ImageName.DOCKER_HUB : r;
  }

  // Trailing newlines are the shell's, not the password's, as docker login --password-stdin trims them.
  private static String readStdin(InputStream in) throws IOException {
    String s = new String(in.readNBytes(MAX_PASSWORD), StandardCharsets.UTF_8);
    return s.replaceAll("[\r\n]+$", "");
  }

  private int usage(String why) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("strata: login: " + why);
    err.flush();
    return ExitCodes.USAGE;
  }
}
