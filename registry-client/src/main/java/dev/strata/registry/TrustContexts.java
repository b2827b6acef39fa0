package dev.strata.registry;

import dev.strata.driver.error.CorruptException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS context for one registry: the JDK's trusted CAs plus every {@code *.crt} in Docker's
 * {@code certs.d/<host[:port]>/}. The extra CAs are trusted for that registry only, as Docker does.
 * Client certificates ({@code client.cert}/{@code client.key}) are not supported yet.
 */
final class TrustContexts {

  private TrustContexts() {}

  static SSLContext forRegistry(Optional<Path> certsDir, String registry) throws IOException {
    List<X509Certificate> extra = certsDir.isPresent() ? readCas(certsDir.get().resolve(registry)) : List.of();
    try {
      if (extra.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
      anchors.load(null, null);
      int i = 0;
      for (X509Certificate ca : jdkTrustManager().getAcceptedIssuers()) {
        anchors.setCertificateEntry("jdk-" + i++, ca);
      }
      for (X509Certificate ca : extra) {
        anchors.setCertificateEntry("certs.d-" + i++, ca);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(anchors);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot build the TLS context for registry " + registry + ": " + e.getMessage(), e);
    }
  }

  private static X509TrustManager jdkTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
  }

  private static List<X509Certificate> readCas(Path dir) throws IOException {
    List<X509Certificate> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            out.add((X509Certificate) c);
          }
        } catch (GeneralSecurityException e) {
          throw new CorruptException(file.toString(), "CA file " + file + " is not a PEM or DER X.509"
              + " certificate: " + e.getMessage() + "; fix or remove it", e);
        }
      }
    }
    return out;
  }
}
