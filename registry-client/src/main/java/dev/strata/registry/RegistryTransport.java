package dev.strata.registry;

import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * HTTP to one registry: the layer under pull and push. {@link #send} does, for every request:
 *
 * <ol>
 *   <li><b>Auth.</b> On a 401 it answers the {@code WWW-Authenticate} challenge (Basic with the
 *       stored credentials, or a Bearer token for the request's scopes) and sends the request once
 *       more; a second 401 is returned to the caller. Later requests carry the answer up front.
 *   <li><b>Redirects.</b> 301, 302, 303, 307 and 308 are followed (at most {@value #MAX_REDIRECTS}),
 *       and {@code Authorization} is sent only to the registry's own origin, never to the storage
 *       host a blob redirects to. 303 turns the request into a GET without body.
 *   <li><b>Retries.</b> A connection failure and 429, 500, 502, 503, 504 are tried again after the
 *       {@link RetryPolicy}'s backoff (honouring {@code Retry-After}), up to its attempts; the last
 *       such answer is returned, the last connection failure thrown.
 *   <li><b>Timeouts.</b> A request without a body must get its headers, and every read of a body
 *       must return, within {@link RegistryConfig#readTimeout()}; an overrun is a connection
 *       failure ({@link IdleTimeoutInputStream.StalledException} once reading the body).
 *   <li><b>TLS.</b> A failed handshake (unknown CA, a plain HTTP server) is not retried, unless the
 *       network cut it: it is a {@link FailedPreconditionException} naming the registry and what to
 *       configure.
 * </ol>
 *
 * <p>Everything else (404, 403, a 2xx) is returned as is, body unread: callers that treat a status
 * as an answer (a HEAD for a blob the registry lacks) look at it; the others pass the response to
 * {@link #checked}. Plain HTTP is used only for registries configured insecure. Nothing logged or
 * thrown contains a credential, an {@code Authorization} value or a pre-signed URL's query.
 *
 * <p>Thread-safe; one instance per registry, shared by parallel downloads and uploads.
 */
final class RegistryTransport {

  static final int MAX_REDIRECTS = 10;
  private static final System.Logger LOG = System.getLogger(RegistryTransport.class.getName());
  private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

  private final String registry;
  private final URI base;
  private final RetryPolicy retry;
  private final HttpClient http;
  private final Authenticator auth;
  private final Duration readTimeout;
  /** Empty for an insecure (plain HTTP) registry. */
  private final Optional<TlsFailures> tls;
  // One daemon thread at most, and none while idle: transports are dropped, never closed.
  private final ScheduledThreadPoolExecutor watchdog;

  /**
   * @param registry as users name it ({@code docker.io}, {@code localhost:5000}); selects the
   *     certs.d directory, the insecure setting and the endpoint
   * @param credentials sent when the registry asks for them
   */
  RegistryTransport(String registry, RegistryConfig config, Optional<Credentials> credentials, Clock clock)
      throws IOException {
    this(registry, config, credentials, clock, UnaryOperator.identity());
  }

  /**
   * @param client applied to the HTTP client built for the registry; tests stand in, with it, for
   *     failures of the JDK's client that no server can provoke at will
   */
  RegistryTransport(String registry, RegistryConfig config, Optional<Credentials> credentials, Clock clock,
      UnaryOperator<HttpClient> client) throws IOException {
    this.registry = registry;
    boolean insecure = config.insecure(registry);
    String endpoint = registry.equals(ImageName.DOCKER_HUB) ? ImageName.DOCKER_HUB_ENDPOINT : registry;
    this.base = URI.create((insecure ? "http://" : "https://") + endpoint);
    this.retry = config.retry();
    this.readTimeout = config.readTimeout();
    this.watchdog = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "strata-registry-watchdog-" + registry);
      t.setDaemon(true);
      return t;
    });
    watchdog.setKeepAliveTime(5, TimeUnit.SECONDS);
    watchdog.allowCoreThreadTimeOut(true);
    watchdog.setRemoveOnCancelPolicy(true);
    HttpClient.Builder b = HttpClient.newBuilder()
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(30))
        // HTTP/1.1: the h2c upgrade HTTP/2 would try on plain HTTP confuses some registries and proxies.
        .version(HttpClient.Version.HTTP_1_1);
    if (insecure) {
      this.tls = Optional.empty();
    } else {
      SSLContext context = TrustContexts.forRegistry(config.certsDir(), registry);
      b.sslContext(context);
      this.tls = Optional.of(new TlsFailures(registry, config.certsDir(), context, readTimeout));
    }
    this.http = client.apply(b.build());
    this.auth = new Authenticator(registry, credentials, insecure, http, new TokenCache(clock));
  }

  /** The registry as users name it. */
  String registry() {
    return registry;
  }

  /** {@code https://host[:port]} (or {@code http://} when insecure), without a trailing slash. */
  URI base() {
    return base;
  }

  RetryPolicy retryPolicy() {
    return retry;
  }

  /** {@code base + path}; {@code path} starts with {@code /v2/} and is already URI-safe. */
  URI uri(String path) {
    return URI.create(base + path);
  }

  /** A {@code Location} header (absolute, or relative to the registry) as an absolute URI. */
  URI resolve(String location) {
    return base.resolve(location);
  }

  /** {@code repository:<repo>:pull}. */
  static String pullScope(String repository) {
    return "repository:" + repository + ":pull";
  }

  /** {@code repository:<repo>:pull,push}. */
  static String pushScope(String repository) {
    return "repository:" + repository + ":pull,push";
  }

  /**
   * Sends {@code request} with auth, redirects and retries as the class describes; returns the final
   * answer with its body unread. The caller closes it.
   *
   * @throws IOException the last connection failure once the retries are used up
   * @throws StorageException if the token server refuses the credentials or a redirect loops
   */
  Response send(Request request) throws IOException {
    return send(request, new Attempts(retry.maxAttempts()));
  }

  /**
   * {@link #send(Request)} taking its tries from {@code attempts}, which a caller that retries too
   * (a blob resume) shares, so that the two loops do not multiply.
   */
  Response send(Request request, Attempts attempts) throws IOException {
    for (;;) {
      int attempt = attempts.next();
      Response response;
      try {
        response = sendAuthorized(request);
      } catch (StorageException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (attempts.exhausted()) {
          throw e;
        }
        Duration wait = retry.delay(attempt, Optional.empty());
        LOG.log(Level.DEBUG, "{0} {1} failed ({2}); try {3} of {4} in {5} ms", request.method(),
            Redaction.uri(request.uri()), e.toString(), attempt + 1, attempts.max(), wait.toMillis());
        pause(wait);
        continue;
      }
      if (!RetryPolicy.retryable(response.status()) || attempts.exhausted()) {
        return response;
      }
      Duration wait = retry.delay(attempt, retryAfter(response));
      response.close();
      LOG.log(Level.DEBUG, "{0} {1} answered {2}; try {3} of {4} in {5} ms", request.method(),
          Redaction.uri(request.uri()), response.status(), attempt + 1, attempts.max(), wait.toMillis());
      pause(wait);
    }
  }

  /**
   * {@link #send}, then {@link HttpErrors#check}: a non-2xx answer becomes a storage error.
   *
   * @param subject the error's subject, e.g. the image name or the blob digest
   * @param what what was asked, for the message, e.g. {@code "blob sha256:... of library/busybox"}
   */
  Response checked(Request request, String subject, String what) throws IOException {
    return HttpErrors.check(send(request), subject, what, registry);
  }

  /** Sleeps the retry policy's way; used by callers that retry reading a body (blob resume). */
  void pause(Duration wait) throws IOException {
    try {
      retry.sleeper().sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to retry a request to " + registry);
    }
  }

  private Response sendAuthorized(Request request) throws IOException {
    Optional<String> authorization = auth.upFront(request.scopes());
    Response response = follow(request, authorization);
    if (response.status() != 401) {
      return response;
    }
    List<String> challenges = response.headers("WWW-Authenticate");
    response.close();
    Optional<String> answer = auth.answer(challenges, request.scopes());
    if (answer.isEmpty()) {
      // Nothing to answer with: send again to hand the caller a 401 with an unread body.
      return follow(request, Optional.empty());
    }
    return follow(request, answer);
  }

  private Response follow(Request request, Optional<String> authorization) throws IOException {
    Request current = request;
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      Response r = once(current, sameOrigin(current.uri()) ? authorization : Optional.empty());
      Optional<String> location = r.header("Location");
      if (!REDIRECTS.contains(r.status()) || location.isEmpty()) {
        return r;
      }
      r.close();
      URI next = current.uri().resolve(location.get());
      current = r.status() == 303 && !current.method().equals("HEAD")
          ? new Request("GET", next, current.headers(), Optional.empty(), current.scopes())
          : current.at(next);
    }
    throw new FailedPreconditionException(Redaction.uri(request.uri()), request.method() + " "
        + Redaction.uri(request.uri()) + " redirected more than " + MAX_REDIRECTS + " times");
  }

  private Response once(Request request, Optional<String> authorization) throws IOException {
    HttpRequest.Builder b = HttpRequest.newBuilder(request.uri());
    request.headers().forEach(b::header);
    authorization.ifPresent(a -> b.header("Authorization", a));
    b.method(request.method(), request.body().orElse(HttpRequest.BodyPublishers.noBody()));
    if (request.body().isEmpty()) {
      // Not for uploads: their answer comes only once the whole body is sent, however long that takes.
      b.timeout(readTimeout);
    }
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      InputStream body = new IdleTimeoutInputStream(r.body(), readTimeout, watchdog,
          "the answer to " + request.method() + " " + Redaction.uri(request.uri()));
      return new Response(r.statusCode(), r.headers(), body, r.uri());
    } catch (SSLException e) {
      if (tls.isPresent() && !TlsFailures.cutByNetwork(e)) {
        throw tls.get().refused(request.uri(), e);
      }
      throw tlsOrNetwork(request, e);
    } catch (InterruptedIOException | HttpTimeoutException e) {
      throw e; // no answer in time is the network's (or the server's) doing, never a TLS verdict
    } catch (IOException e) {
      throw tlsOrNetwork(request, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted: " + request.method() + " " + Redaction.uri(request.uri()));
    }
  }

  /**
   * A request over https failed without a TLS verdict: ask for one ({@link TlsFailures}), so that a
   * refused certificate is reported as such even when the HTTP client lost it in a race.
   */
  private IOException tlsOrNetwork(Request request, IOException failure) {
    if (tls.isEmpty() || !"https".equalsIgnoreCase(request.uri().getScheme())) {
      return failure;
    }
    Optional<SSLException> refusal = tls.get().refusal(request.uri());
    if (refusal.isEmpty()) {
      return failure;
    }
    LOG.log(Level.DEBUG, "{0} {1} failed ({2}); a handshake of its own says TLS refuses: {3}", request.method(),
        Redaction.uri(request.uri()), failure.toString(), refusal.get().getMessage());
    FailedPreconditionException refused = tls.get().refused(request.uri(), refusal.get());
    refused.addSuppressed(failure);
    return refused;
  }

  private boolean sameOrigin(URI uri) {
    return base.getScheme().equalsIgnoreCase(uri.getScheme()) && base.getHost().equalsIgnoreCase(uri.getHost())
        && port(base) == port(uri);
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /** {@code Retry-After} as seconds or an HTTP date; empty when absent or unreadable. */
  static Optional<Duration> retryAfter(Response response) {
    Optional<String> value = response.header("Retry-After").map(String::trim);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value.get()))));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration d = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.get(),
            DateTimeFormatter.RFC_1123_DATE_TIME));
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException e) {
        return Optional.empty();
      }
    }
  }
}
