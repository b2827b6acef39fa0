package dev.strata.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.files.AtomicFiles;
import dev.strata.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Registry credentials in a JSON file laid out like Docker's {@code config.json}: {@code {"auths":
 * {"localhost:5000": {"auth": base64(user:password)}}}}. Keys are registries as users write them;
 * for Docker Hub Docker's legacy key {@code https://index.docker.io/v1/} is read too.
 *
 * <p>The file is created {@code 0600} from the start and replaced atomically. A file readable by
 * group or others is refused rather than used with a warning (Docker only warns): anyone on the
 * host could have read the secrets, so the operator must look and {@code chmod 600} it. Other
 * top-level fields of a Docker file are kept when rewriting. Nothing here logs a secret; errors
 * name the file and the registry only. Thread-safe within one process.
 */
public final class CredentialStore {

  static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final String DOCKER_HUB_LEGACY = "https://index.docker.io/v1/";

  private final Path file;

  private CredentialStore(Path file) {
    this.file = file;
  }

  /** A store over {@code file}, which need not exist yet (it is created by the first {@link #store}). */
  public static CredentialStore at(Path file) {
    return new CredentialStore(Objects.requireNonNull(file, "file").toAbsolutePath());
  }

  public Path file() {
    return file;
  }

  /**
   * The credentials for {@code registry}, if any.
   *
   * @throws FailedPreconditionException if the file is readable by group or others
   * @throws CorruptException if the file or the entry is not what Docker writes
   */
  public synchronized Optional<Credentials> find(String registry) throws IOException {
    ObjectNode auths = read();
    JsonNode entry = auths.get(registry);
    if (entry == null && registry.equals(ImageName.DOCKER_HUB)) {
      entry = auths.get(DOCKER_HUB_LEGACY);
    }
    if (entry == null || entry.get("auth") == null) {
      return Optional.empty();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(entry.get("auth").asText()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // The cause would quote the encoded secret: left out on purpose.
      throw new CorruptException(file.toString(), "credentials for " + registry + " in " + file
          + " are not base64 of user:password; run `strata login " + registry + "` again");
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      throw new CorruptException(file.toString(), "credentials for " + registry + " in " + file
          + " are not user:password; run `strata login " + registry + "` again");
    }
    return Optional.of(new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1)));
  }

  /** Saves (replacing) the credentials for {@code registry}. Prefer {@link RegistryClient#login}, which checks them first. */
  public synchronized void store(String registry, Credentials credentials) throws IOException {
    ObjectNode root = readRoot();
    ObjectNode auths = auths(root);
    auths.putObject(registry).put("auth", credentials.basic());
    write(root);
  }

  /** Forgets {@code registry}'s credentials; returns whether there were any. */
  public synchronized boolean remove(String registry) throws IOException {
    ObjectNode root = readRoot();
    ObjectNode auths = auths(root);
    boolean removed = auths.remove(registry) != null;
    if (registry.equals(ImageName.DOCKER_HUB)) {
      removed |= auths.remove(DOCKER_HUB_LEGACY) != null;
    }
    if (removed) {
      write(root);
    }
    return removed;
  }

  /** The registries with stored credentials (never the credentials). */
  public synchronized Set<String> registries() throws IOException {
    Map<String, Boolean> names = new TreeMap<>();
    for (Iterator<String> it = read().fieldNames(); it.hasNext(); ) {
      names.put(it.next(), true);
    }
    return names.keySet();
  }

  @Override
  public String toString() {
    return "CredentialStore[" + file + "]";
  }

  private ObjectNode read() throws IOException {
    return auths(readRoot());
  }

  private ObjectNode readRoot() throws IOException {
    if (!Files.exists(file)) {
      return Json.object();
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    for (PosixFilePermission p : perms) {
      if (!OWNER_ONLY.contains(p) && p != PosixFilePermission.OWNER_EXECUTE) {
        throw new FailedPreconditionException(file.toString(), "credentials file " + file + " is readable or"
            + " writable by others (" + PosixFilePermissions.toString(perms) + "); its secrets may have leaked."
            + " Check it, then run `chmod 600 " + file + "`");
      }
    }
    JsonNode root;
    try {
      root = Json.parse(Files.readAllBytes(file), "credentials file " + file);
    } catch (CorruptException e) {
      // The parser's message may quote the text around the error, which can be a secret: dropped.
      throw new CorruptException(file.toString(), "credentials file " + file + " is not valid JSON; fix or remove it");
    }
    if (!root.isObject()) {
      throw new CorruptException(file.toString(), "credentials file " + file + " is not a JSON object");
    }
    return (ObjectNode) root;
  }

  private ObjectNode auths(ObjectNode root) throws CorruptException {
    JsonNode auths = root.get("auths");
    if (auths == null || auths.isNull()) {
      return root.putObject("auths");
    }
    if (!auths.isObject()) {
      throw new CorruptException(file.toString(), "credentials file " + file + ": 'auths' is not an object");
    }
    return (ObjectNode) auths;
  }

  private void write(ObjectNode root) throws IOException {
    AtomicFiles.write(file, Json.prettyBytes(root), OWNER_ONLY);
  }
}
