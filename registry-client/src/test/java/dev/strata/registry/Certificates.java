package dev.strata.registry;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority and a server certificate for {@code IP:127.0.0.1} and
 * {@code DNS:localhost}, made with the {@code openssl} command line so that the files are exactly
 * what an operator would drop into {@code certs.d}: {@code ca.crt}, {@code server.crt},
 * {@code server.key} (PEM) and {@code server.p12} (PKCS#12 for {@link com.sun.net.httpserver.HttpsServer}).
 *
 * <p>The CA is self-signed and unknown to the system trust store, so a client that connects
 * without being given {@link #caCertificate()} fails the handshake, which is what tests of the
 * "CA per registry" rule need.
 */
public final class Certificates {

  /** Password of {@code server.p12}; the file lives in a test's temp dir only. */
  static final char[] P12_PASSWORD = "strata-test".toCharArray();

  private final Path dir;

  private Certificates(Path dir) {
    this.dir = dir;
  }

  /** Generates a CA and a server certificate into {@code dir} (which must exist). */
  public static Certificates create(Path dir) throws IOException {
    Path ext = dir.resolve("server.ext");
    // serverAuth and the SANs are what Go's and the JDK's verifiers check; the CN is ignored by both.
    Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        + "basicConstraints=CA:FALSE\n"
        + "keyUsage=critical,digitalSignature,keyEncipherment\n"
        + "extendedKeyUsage=serverAuth\n");
    run(dir, "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=Strata test CA",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign");
    run(dir, "openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
    // A random serial: two CAs made in one run must not issue certificates with equal serials.
    byte[] serial = new byte[8];
    new SecureRandom().nextBytes(serial);
    serial[0] &= 0x7f;
    run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
        "-set_serial", "0x" + HexFormat.of().formatHex(serial), "-days", "2",
        "-extfile", "server.ext", "-out", "server.crt");
    run(dir, "openssl", "pkcs12", "-export", "-in", "server.crt", "-inkey", "server.key",
        "-name", "server", "-out", "server.p12", "-passout", "pass:" + new String(P12_PASSWORD));
    return new Certificates(dir);
  }

  /** PEM file of the CA that signed the server certificate: the one file a client must trust. */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  public Path serverCertificate() {
    return dir.resolve("server.crt");
  }

  public Path serverKey() {
    return dir.resolve("server.key");
  }

  /**
   * Lays out {@code certsDir/<host>/ca.crt} the way Docker's {@code /etc/docker/certs.d} does,
   * {@code host} being {@code host:port}, and returns {@code certsDir}.
   */
  public Path certsDir(Path certsDir, String host) throws IOException {
    Path hostDir = Files.createDirectories(certsDir.resolve(host));
    Files.copy(caCertificate(), hostDir.resolve("ca.crt"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return certsDir;
  }

  /** A client context that trusts this CA only (not the system trust store). */
  public SSLContext clientContext() {
    try (InputStream in = Files.newInputStream(caCertificate())) {
      X509Certificate ca = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("strata-test-ca", ca);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load test CA " + caCertificate(), e);
    }
  }

  /** A server context presenting {@code server.p12}, for an in-process HTTPS server. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, P12_PASSWORD);
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, P12_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot load test server key " + dir.resolve("server.p12"), e);
    }
  }

  /** Runs a command in {@code dir}; its output goes into the exception when it fails. */
  static String run(Path dir, String... command) throws IOException {
    List<String> argv = new ArrayList<>(List.of(command));
    Process process = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true).start();
    try {
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new IOException(String.join(" ", argv) + ": did not finish within 60 s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", argv) + ": exit " + process.exitValue() + ": " + text);
      }
      return text;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + argv.get(0), e);
    } finally {
      process.destroyForcibly();
    }
  }
}
