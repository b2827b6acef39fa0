package dev.strata.registry;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How a {@link RegistryClient} reaches registries.
 *
 * @param certsDir laid out like Docker's {@code /etc/docker/certs.d}: every {@code *.crt} in
 *     {@code <certsDir>/<host[:port]>/} is trusted, on top of the JDK's CAs, for that registry only
 * @param insecureRegistries registries ({@code host[:port]} as in image names) spoken to over plain
 *     HTTP; every other registry is HTTPS only, there is no fallback
 * @param credentials where logins are kept and looked up; without one every request is anonymous
 * @param maxParallelDownloads layer blobs fetched at once by one pull
 * @param retry how failed requests are retried
 * @param platform which image of a multi-platform index to pull
 * @param listener hears per-layer progress
 * @param readTimeout how long a response may go without a byte before the read fails with an
 *     {@link java.io.IOException} (and the request is retried or the blob resumed); also how long a
 *     request without a body waits for the response headers. Without it a stalled registry would hang
 *     a pull forever
 */
public record RegistryConfig(Optional<Path> certsDir, Set<String> insecureRegistries,
    Optional<CredentialStore> credentials, int maxParallelDownloads, RetryPolicy retry, Platform platform,
    PullListener listener, Duration readTimeout) {

  public static final int DEFAULT_PARALLEL_DOWNLOADS = 3;
  public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(60);

  public RegistryConfig {
    Objects.requireNonNull(certsDir, "certsDir");
    insecureRegistries = Set.copyOf(insecureRegistries);
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(platform, "platform");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(readTimeout, "readTimeout");
    if (readTimeout.isNegative() || readTimeout.isZero()) {
      throw new IllegalArgumentException("readTimeout must be positive, not " + readTimeout);
    }
    if (maxParallelDownloads < 1) {
      throw new IllegalArgumentException("maxParallelDownloads must be at least 1, not " + maxParallelDownloads);
    }
  }

  /** HTTPS everywhere, JDK CAs, anonymous, 3 downloads, {@link RetryPolicy#DEFAULT}, linux/amd64, 60 s read timeout. */
  public static RegistryConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  boolean insecure(String registry) {
    return insecureRegistries.contains(registry);
  }

  /** Builds a {@link RegistryConfig}; every setting has the default of {@link #defaults()}. */
  public static final class Builder {
    private Optional<Path> certsDir = Optional.empty();
    private Set<String> insecure = Set.of();
    private Optional<CredentialStore> credentials = Optional.empty();
    private int parallel = DEFAULT_PARALLEL_DOWNLOADS;
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private Platform platform = Platform.LINUX_AMD64;
    private PullListener listener = PullListener.NONE;
    private Duration readTimeout = DEFAULT_READ_TIMEOUT;

    private Builder() {}

    public Builder certsDir(Path dir) {
      this.certsDir = Optional.of(dir);
      return this;
    }

    public Builder insecureRegistries(Set<String> registries) {
      this.insecure = Set.copyOf(registries);
      return this;
    }

    public Builder credentials(CredentialStore store) {
      this.credentials = Optional.of(store);
      return this;
    }

    public Builder maxParallelDownloads(int n) {
      this.parallel = n;
      return this;
    }

    public Builder retry(RetryPolicy policy) {
      this.retry = policy;
      return this;
    }

    public Builder platform(Platform p) {
      this.platform = p;
      return this;
    }

    public Builder listener(PullListener l) {
      this.listener = l;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public RegistryConfig build() {
      return new RegistryConfig(certsDir, insecure, credentials, parallel, retry, platform, listener, readTimeout);
    }
  }
}
