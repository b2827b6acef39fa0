package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user is told when a registry's TLS is refused, whatever the JDK's HTTP client reported:
 * its own {@code SSLHandshakeException}, or the plain {@code IOException} it threw when its
 * connection close won the race against the handshake's error ({@link RacingHttpClient} plays
 * that race out every time). The registry is a server that only handshakes ({@link
 * HandshakeOnlyServer}) with a certificate from a CA the client is not given.
 */
class TlsFailureTest {

  @TempDir Path tmp;
  private Certificates served;
  private final List<Duration> slept = new ArrayList<>();

  @BeforeEach
  void makeCertificates() throws IOException {
    assumeTrue(RegistryServer.available(), "needs openssl (with the registry tools CI installs)");
    served = Certificates.create(Files.createDirectories(tmp.resolve("served")));
  }

  /** One try: what the first failure is turned into is the subject here, not what retries hide. */
  private RegistryTransport transport(String host, RegistryConfig.Builder config, UnaryOperator<HttpClient> client)
      throws IOException {
    RetryPolicy once = new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), slept::add, () -> 0.5);
    return new RegistryTransport(host, config.retry(once).build(), Optional.empty(), Clock.systemUTC(), client);
  }

  private static IOException ping(RegistryTransport transport) {
    return assertThrows(IOException.class, () -> transport.send(Request.get(transport.uri("/v2/"), Map.of(), List.of())));
  }

  private static FailedPreconditionException assertRefusal(String host, String advice, IOException thrown) {
    return TlsRefusals.assertRefusal(host, "https://" + host, advice, thrown);
  }

  @Test
  void send_untrustedCertificate_reportsTheTlsRefusalWithTheCertsDirInUse() throws IOException {
    Path certsDir = Files.createDirectories(tmp.resolve("certs.d"));
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(served.serverContext())) {
      IOException thrown = ping(transport(server.host(), RegistryConfig.builder().certsDir(certsDir), c -> c));

      assertRefusal(server.host(), "if it uses a private CA, put the CA certificate in "
          + certsDir.resolve(server.host()).resolve("ca.crt"), thrown);
    }
    assertEquals(List.of(), slept, "a refused certificate is not retried");
  }

  @Test
  void send_httpClientLosesTheRaceToItsOwnClose_reportsTheSameTlsRefusal() throws IOException {
    Path certsDir = Files.createDirectories(tmp.resolve("certs.d"));
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(served.serverContext())) {
      IOException thrown = ping(transport(server.host(), RegistryConfig.builder().certsDir(certsDir),
          RacingHttpClient::new));

      FailedPreconditionException e = assertRefusal(server.host(), "if it uses a private CA, put the CA certificate in "
          + certsDir.resolve(server.host()).resolve("ca.crt"), thrown);
      assertEquals(1, server.connections(), "one handshake of the transport's own judged the certificate");
      assertEquals(1, e.getSuppressed().length);
      assertEquals(ClosedChannelException.class, e.getSuppressed()[0].getCause().getClass(),
          "the I/O error the HTTP client reported is kept");
    }
    assertEquals(List.of(), slept, "a refused certificate is not retried");
  }

  @Test
  void send_noCertsDirConfigured_advisesConfiguringOne() throws IOException {
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(served.serverContext())) {
      IOException thrown = ping(transport(server.host(), RegistryConfig.builder(), RacingHttpClient::new));

      assertRefusal(server.host(), "if it uses a private CA, configure a certificates directory (certs.d) and put the"
          + " CA certificate in <certs.d>/" + server.host() + "/ca.crt", thrown);
    }
  }

  @Test
  void send_certsDirHoldingAnotherCa_saysItsCertificatesDoNotVouch() throws IOException {
    Certificates other = Certificates.create(Files.createDirectories(tmp.resolve("other")));
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(served.serverContext())) {
      Path certsDir = other.certsDir(tmp.resolve("certs.d"), server.host());

      IOException thrown = ping(transport(server.host(), RegistryConfig.builder().certsDir(certsDir), c -> c));

      assertRefusal(server.host(), "the CA certificates in " + certsDir.resolve(server.host())
          + " do not vouch for its certificate; put the CA that signed it there", thrown);
    }
  }

  @Test
  void send_httpClientFailsButTheRegistryHandshakesFine_staysTheClientsFailure() throws IOException {
    try (HandshakeOnlyServer server = new HandshakeOnlyServer(served.serverContext())) {
      Path certsDir = served.certsDir(tmp.resolve("certs.d"), server.host());

      IOException thrown = ping(transport(server.host(), RegistryConfig.builder().certsDir(certsDir),
          RacingHttpClient::new));

      assertEquals(IOException.class, thrown.getClass(), "a trusted handshake is no TLS failure: " + thrown);
      assertEquals(ClosedChannelException.class, thrown.getCause().getClass());
      assertEquals(1, server.connections(), "the handshake that found TLS fine");
    }
  }
}
