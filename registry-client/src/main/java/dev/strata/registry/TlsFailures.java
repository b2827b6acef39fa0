package dev.strata.registry;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Tells a registry that refuses TLS (a certificate no trusted CA vouches for, a peer speaking plain
 * HTTP) from a network that failed, and words the refusal so that a user can act on it.
 *
 * <p>The JDK's HTTP client does not always say which it was. When it refuses a certificate it
 * closes the connection, and on a loaded machine that close can win the race against the
 * handshake's own error: the request then fails with a plain {@code IOException} (an HTTP/2 preface
 * write on a closed channel, a connection reset) instead of an {@code SSLHandshakeException}. So
 * after any such failure on {@code https}, {@link #refusal} makes one TLS handshake of its own, on
 * a blocking socket with the client's trust: its verdict on the certificate is deterministic, and
 * what the user is told no longer depends on which thread lost a race.
 */
final class TlsFailures {

  private final String registry;
  private final Optional<Path> certsDir;
  private final SSLContext context;
  private final Duration timeout;

  /**
   * @param context the trust the HTTP client uses for this registry
   * @param timeout for the probe's connect and handshake
   */
  TlsFailures(String registry, Optional<Path> certsDir, SSLContext context, Duration timeout) {
    this.registry = registry;
    this.certsDir = certsDir;
    this.context = context;
    this.timeout = timeout;
  }

  /**
   * A handshake cut by the network is worth retrying; an untrusted certificate or a peer that does
   * not speak TLS at all ("Unrecognized SSL message, plaintext connection?") is not.
   */
  static boolean cutByNetwork(SSLException e) {
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c instanceof SocketException || c instanceof EOFException) {
        return true;
      }
    }
    return false;
  }

  /**
   * Handshakes with {@code uri}'s host as the HTTP client would (its trust, SNI, host name
   * verification) and returns the TLS refusal, if the server's TLS is what is wrong; empty when the
   * handshake succeeds or the network fails it, in which case the original failure stands.
   */
  Optional<SSLException> refusal(URI uri) {
    String host = uri.getHost();
    int port = uri.getPort() >= 0 ? uri.getPort() : 443;
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket raw = new Socket()) {
      raw.connect(new InetSocketAddress(host, port), millis);
      raw.setSoTimeout(millis);
      try (SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(raw, host, port, false)) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
        return Optional.empty();
      }
    } catch (SSLException e) {
      return cutByNetwork(e) ? Optional.empty() : Optional.of(e);
    } catch (IOException e) {
      return Optional.empty(); // the network again: the request's own failure says it
    }
  }

  /** The refusal as users read it: the registry, the endpoint, why, and where the CA goes. */
  FailedPreconditionException refused(URI uri, SSLException e) {
    return new FailedPreconditionException(registry, "TLS handshake with registry " + registry + " at "
        + Redaction.uri(uri) + " failed (" + e.getMessage() + "); " + advice()
        + ", and if it speaks plain HTTP, configure it as an insecure registry", e);
  }

  private String advice() {
    if (certsDir.isEmpty()) {
      return "if it uses a private CA, configure a certificates directory (certs.d) and put the CA certificate in"
          + " <certs.d>/" + registry + "/ca.crt";
    }
    Path hostDir = certsDir.get().resolve(registry);
    if (holdsCertificates(hostDir)) {
      return "the CA certificates in " + hostDir + " do not vouch for its certificate; put the CA that signed it there";
    }
    return "if it uses a private CA, put the CA certificate in " + hostDir.resolve("ca.crt");
  }

  private static boolean holdsCertificates(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> crts = Files.newDirectoryStream(dir, "*.crt")) {
      return crts.iterator().hasNext();
    } catch (IOException e) {
      return false; // the trust was built from it moments ago; unreadable now only weakens the advice
    }
  }
}
