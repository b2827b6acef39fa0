package dev.strata.registry;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.image.ImageStore;
import java.io.IOException;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Talks to OCI Distribution (v2) registries: {@link #pull} an image into an {@link ImageStore},
 * {@link #push} one from it, {@link #login} and {@link #logout}.
 *
 * <pre>{@code
 * RegistryConfig config = RegistryConfig.builder()
 *     .certsDir(Path.of("/etc/strata/certs.d"))
 *     .credentials(CredentialStore.at(Path.of("/root/.strata/config.json")))
 *     .build();
 * try (RegistryClient registries = RegistryClient.open(config)) {
 *   PullResult r = registries.pull(images, ImageName.parse("busybox:1.36"));
 *   // r.imageId(), r.downloaded() layers fetched, r.skipped() already present
 * }
 * }</pre>
 *
 * <p>Connections, TLS contexts and bearer tokens are kept per registry for the client's life.
 * Thread-safe; several pulls may run at once.
 */
public final class RegistryClient implements AutoCloseable {

  private final RegistryConfig config;
  private final Clock clock;
  private final Map<String, RegistryTransport> transports = new HashMap<>();
  private boolean closed;

  private RegistryClient(RegistryConfig config, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = clock;
  }

  public static RegistryClient open(RegistryConfig config) {
    return new RegistryClient(config, Clock.systemUTC());
  }

  /**
   * Pulls {@code name} (for the configured platform) into {@code images}, all or nothing, and tags
   * it with its name unless pulled by digest alone. Layers already in the store are not downloaded.
   *
   * @throws NotFoundException if the registry has no such image, or none for the platform
   * @throws FailedPreconditionException if the registry wants credentials that are missing or wrong
   *     ({@code unauthorized}), refuses access ({@code denied}), or keeps failing after the retries
   * @throws dev.strata.driver.error.CorruptException if a manifest, config or layer does not match its digest or size
   * @throws dev.strata.driver.error.UnsupportedException for a Docker schema 1 image
   * @throws IOException if the registry cannot be reached after the retries
   */
  public PullResult pull(ImageStore images, ImageName name) throws IOException {
    return new Puller(transport(name.registry()), config).pull(images, name);
  }

  /**
   * Pushes the local image {@code localRef} (tag, id or id prefix) to {@code target}, which must
   * have a tag: each layer blob and the config the repository lacks are uploaded (or mounted from
   * another repository of the registry), then the manifest is put under the tag. A layer known as a
   * blob in the push's compression (pulled, loaded from an OCI layout, or pushed before) is named by
   * that blob when the repository has it or can mount it from where it was seen; only the other
   * layers are compressed, on one thread per core, and uploaded. Every blob put is remembered for
   * the next push ({@link dev.strata.layer.LayerStore#recordBlob}).
   *
   * <pre>{@code
   * PushResult r = registries.push(images, "app:1.0", ImageName.parse("localhost:5000/app:1.0"),
   *     PushOptions.DEFAULTS, PushListener.NONE);
   * // r.manifestDigest(), r.layers(BlobPush.Outcome.UPLOADED)
   * }</pre>
   *
   * @throws NotFoundException if there is no local image {@code localRef}
   * @throws InvalidArgumentException if {@code target} has no tag, or the registry rejects a blob or the manifest
   * @throws FailedPreconditionException if the registry wants credentials that are missing or wrong,
   *     refuses access, or keeps failing after the retries
   * @throws dev.strata.driver.error.CorruptException if the registry confirms another digest than
   *     the one sent, or a layer on disk no longer matches its DiffID
   * @throws IOException if the registry cannot be reached after the retries
   */
  public PushResult push(ImageStore images, String localRef, ImageName target, PushOptions options,
      PushListener listener) throws IOException {
    return new Pusher(transport(target.registry()), options, listener).push(images, localRef, target);
  }

  /**
   * Checks {@code username}/{@code password} against {@code registry}'s {@code /v2/} (answering its
   * challenge) and, if accepted, stores them in the configured {@link CredentialStore}.
   *
   * @throws FailedPreconditionException if no credential store is configured or the registry refuses them
   */
  public void login(String registry, String username, String password) throws IOException {
    CredentialStore store = config.credentials().orElseThrow(() -> new FailedPreconditionException(registry,
        "no credential store is configured; cannot keep a login to " + registry));
    Credentials credentials = new Credentials(username, password);
    checkRegistry(registry);
    RegistryTransport probe = new RegistryTransport(registry, config, Optional.of(credentials), clock);
    try (Response r = probe.checked(Request.get(probe.uri("/v2/"), Map.of(), List.of()), registry, "login")) {
      r.body().transferTo(java.io.OutputStream.nullOutputStream());
    }
    store.store(registry, credentials);
    synchronized (this) {
      // Transports keep the credentials they were made with: the next use picks up the new ones.
      transports.remove(registry);
    }
  }

  /** Forgets {@code registry}'s stored credentials; returns whether there were any. */
  public boolean logout(String registry) throws IOException {
    CredentialStore store = config.credentials().orElseThrow(() -> new FailedPreconditionException(registry,
        "no credential store is configured"));
    synchronized (this) {
      transports.remove(registry);
    }
    return store.remove(registry);
  }

  /** The transport for {@code registry}, made on first use; push builds on it. */
  synchronized RegistryTransport transport(String registry) throws IOException {
    if (closed) {
      throw new IllegalStateException("registry client is closed");
    }
    RegistryTransport t = transports.get(registry);
    if (t == null) {
      checkRegistry(registry);
      Optional<Credentials> credentials = config.credentials().isPresent()
          ? config.credentials().get().find(registry) : Optional.empty();
      t = new RegistryTransport(registry, config, credentials, clock);
      transports.put(registry, t);
    }
    return t;
  }

  RegistryConfig config() {
    return config;
  }

  @Override
  public synchronized void close() {
    closed = true;
    transports.clear();
  }

  private static void checkRegistry(String registry) throws InvalidArgumentException {
    if (registry.isEmpty() || registry.contains("/") || registry.contains("@") || registry.contains(" ")) {
      throw new InvalidArgumentException(registry, "'" + registry + "' is not a registry host[:port]");
    }
  }
}
