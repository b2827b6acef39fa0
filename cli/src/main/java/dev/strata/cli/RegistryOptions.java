package dev.strata.cli;

import dev.strata.registry.CredentialStore;
import dev.strata.registry.RegistryConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where the registry commands ({@code pull}, {@code push}, {@code login}, {@code logout}) find
 * CA certificates and credentials, and which registries speak plain HTTP.
 *
 * <p>Credentials are per user, not per storage root, as Docker keeps them in {@code
 * ~/.docker/config.json}: a login is the user's, and several roots are one user's stores. The
 * default file is {@code $XDG_CONFIG_HOME/strata/auth.json}, else {@code ~/.config/strata/auth.json}.
 */
final class RegistryOptions {

  static final Path DEFAULT_CERTS_DIR = Path.of("/etc/strata/certs.d");

  @Option(names = "--certs-dir", paramLabel = "DIR",
      description = "CA certificates per registry, DIR/HOST[:PORT]/*.crt, like Docker's /etc/docker/certs.d"
          + " (default: ${DEFAULT-VALUE}).")
  Path certsDir = DEFAULT_CERTS_DIR;

  @Option(names = "--auth-file", paramLabel = "FILE",
      description = "Registry credentials, kept 0600 in Docker's config.json layout"
          + " (default: $XDG_CONFIG_HOME/strata/auth.json or ~/.config/strata/auth.json).")
  Path authFile;

  @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
      description = "Speak plain HTTP to this registry; repeatable. Every other registry is HTTPS only.")
  List<String> insecure = new ArrayList<>();

  /** A configuration with these settings; the caller adds platform and listener. */
  RegistryConfig.Builder config() {
    return RegistryConfig.builder()
        .certsDir(certsDir)
        .insecureRegistries(Set.copyOf(insecure))
        .credentials(CredentialStore.at(authFile()));
  }

  Path authFile() {
    if (authFile != null) {
      return authFile;
    }
    String xdg = System.getenv("XDG_CONFIG_HOME");
    Path config = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
    return config.resolve("strata").resolve("auth.json");
  }
}
