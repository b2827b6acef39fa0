package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.StorageException;
import dev.strata.registry.LayerProgress.State;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Downloads one blob to a file, hashing while it reads. When the connection drops mid-blob it asks
 * for the rest with {@code Range: bytes=N-} if the server advertised {@code Accept-Ranges: bytes}
 * or already answered 206, and starts over otherwise. The retry policy's attempts are one budget
 * for the whole blob, shared with the transport's own retries ({@link Attempts}): at most
 * {@code maxAttempts} requests, however the failures mix. A blob longer than its descriptor says,
 * one still short when the attempts run out, or one whose bytes hash to another digest is a
 * {@link CorruptException} naming the digest; a registry that cannot be reached (no answer at all
 * on the last try) is the transport's {@link IOException}. On any failure the file is garbage
 * that the caller deletes.
 */
final class BlobFetcher {

  /** Hears bytes done and state changes of one download. */
  @FunctionalInterface
  interface Progress {
    Progress NONE = (done, state) -> { };

    void report(long done, State state);
  }

  private static final int BUFFER = 64 * 1024;
  private static final long REPORT_EVERY = 1 << 20;
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(?:\\d+|\\*)");

  private final RegistryTransport transport;

  BlobFetcher(RegistryTransport transport) {
    this.transport = transport;
  }

  /** Downloads {@code blob} of {@code repository} into {@code target} (created or replaced), verified. */
  void download(String repository, BlobRef blob, Path target, Progress progress) throws IOException {
    String subject = blob.digest().toString();
    String what = "blob " + blob.digest() + " of " + repository;
    RetryPolicy retry = transport.retryPolicy();
    MessageDigest sha = sha256();
    long[] have = {0};
    boolean resumable = false;
    IOException lastFailure = null;
    Attempts attempts = new Attempts(retry.maxAttempts());
    Files.deleteIfExists(target);
    Files.createFile(target);
    while (attempts.used() == 0 || !attempts.exhausted()) {
      if (attempts.used() > 0) {
        progress.report(have[0], State.RETRYING);
        transport.pause(retry.delay(attempts.used(), Optional.empty()));
        if (!resumable && have[0] > 0) {
          have[0] = restart(target, sha);
        }
      }
      Map<String, String> headers = new HashMap<>();
      if (have[0] > 0) {
        headers.put("Range", "bytes=" + have[0] + "-");
      }
      Request request = Request.get(transport.uri("/v2/" + repository + "/blobs/" + blob.digest()), headers,
          List.of(RegistryTransport.pullScope(repository)));
      // A failure to get any answer has been retried by the transport already: it ends the download.
      Response r = transport.send(request, attempts);
      try (r) {
        if (r.status() == 416 && have[0] > 0) {
          resumable = false;
          throw new IOException("range bytes=" + have[0] + "- not satisfiable");
        }
        HttpErrors.check(r, subject, what, transport.registry());
        if (have[0] > 0 && r.status() == 206 && !rangeHonoured(r, have[0])) {
          resumable = false;
          throw new IOException("asked for bytes " + have[0] + "- and got " + r.header("Content-Range").orElse("?"));
        }
        if (have[0] > 0 && r.status() != 206) {
          // The server ignored the Range and sends the whole blob: take it from the start.
          have[0] = restart(target, sha);
        }
        resumable = r.status() == 206
            || r.header("Accept-Ranges").map(v -> v.trim().equalsIgnoreCase("bytes")).orElse(false);
        progress.report(have[0], State.DOWNLOADING);
        try (InputStream in = r.body();
            OutputStream out = Files.newOutputStream(target, StandardOpenOption.APPEND)) {
          copy(in, out, sha, have, blob, what, progress);
        }
      } catch (StorageException | InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        lastFailure = e;
        continue;
      }
      if (have[0] < blob.size()) {
        lastFailure = new IOException("the stream ended after " + have[0] + " of " + blob.size() + " bytes");
        continue;
      }
      Digest actual = Digest.sha256(sha.digest());
      if (!actual.equals(blob.digest())) {
        throw new CorruptException(subject, what + " hashes to " + actual + "; the registry sent other bytes than"
            + " the manifest names");
      }
      progress.report(have[0], State.DOWNLOADED);
      return;
    }
    throw new CorruptException(subject, what + " is truncated: " + have[0] + " of " + blob.size() + " bytes after "
        + attempts.used() + " attempts" + (lastFailure == null ? "" : " (" + lastFailure.getMessage() + ")"),
        lastFailure);
  }

  private static boolean rangeHonoured(Response r, long have) {
    if (r.status() != 206) {
      return false;
    }
    Matcher m = CONTENT_RANGE.matcher(r.header("Content-Range").orElse(""));
    return m.matches() && Long.parseLong(m.group(1)) == have;
  }

  // have[0] stays exact when a read fails midway, so that the next attempt resumes at the right byte.
  private static void copy(InputStream in, OutputStream out, MessageDigest sha, long[] have, BlobRef blob, String what,
      Progress progress) throws IOException {
    byte[] buffer = new byte[BUFFER];
    long reported = have[0];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      if (have[0] + n > blob.size()) {
        throw new CorruptException(blob.digest().toString(), what + " is longer than the " + blob.size()
            + " bytes its manifest says");
      }
      out.write(buffer, 0, n);
      sha.update(buffer, 0, n);
      have[0] += n;
      if (have[0] - reported >= REPORT_EVERY) {
        progress.report(have[0], State.DOWNLOADING);
        reported = have[0];
      }
    }
  }

  private static long restart(Path target, MessageDigest sha) throws IOException {
    Files.newOutputStream(target, StandardOpenOption.TRUNCATE_EXISTING).close();
    sha.reset();
    return 0;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
