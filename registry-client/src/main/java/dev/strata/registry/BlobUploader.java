package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.registry.BlobPush.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.LongConsumer;

/**
 * Puts one blob into a repository the cheapest way the Distribution spec offers: nothing when a
 * {@code HEAD} finds it; a cross-repository mount when a source repository is known (a registry
 * that cannot mount answers 202 with an upload session, which is then used; one that refuses the
 * mount with an error gets a fresh upload); else an upload, one
 * {@code PUT} up to the monolithic limit, {@code PATCH} chunks and a closing {@code PUT} above it.
 * A registry that confirms another digest than the one sent is a {@link CorruptException}.
 */
final class BlobUploader {

  private static final System.Logger LOG = System.getLogger(BlobUploader.class.getName());
  private static final String OCTET_STREAM = "application/octet-stream";

  private final RegistryTransport transport;
  private final PushOptions options;

  BlobUploader(RegistryTransport transport, PushOptions options) {
    this.transport = transport;
    this.options = options;
  }

  /** What a push of one blob asked the registry already, so that asking again is skipped. */
  static final class Asked {
    private final Set<Digest> heads = new HashSet<>();
    private final Set<String> mounts = new HashSet<>();

    boolean headed(Digest digest) {
      return heads.contains(digest);
    }

    boolean mounted(Digest digest, String from) {
      return mounts.contains(digest + " " + from);
    }
  }

  /** A mount's answer: the blob is linked, or the registry opened an upload session instead. */
  record MountAnswer(boolean mounted, Optional<URI> session) {}

  /**
   * @param mountFrom a repository of the same registry that may hold the blob
   * @param asked what was asked about this blob already (by {@link #exists} and {@link #mount})
   * @param sent hears how many bytes the registry acknowledged
   */
  Outcome push(String repository, StagedBlob blob, Optional<String> mountFrom, Asked asked, LongConsumer sent)
      throws IOException {
    String what = "blob " + blob.digest() + " of " + repository;
    List<String> scopes = List.of(RegistryTransport.pushScope(repository));
    if (!asked.headed(blob.digest()) && exists(repository, blob.digest(), asked).isPresent()) {
      return Outcome.EXISTS;
    }
    URI location;
    Optional<String> from = mountFrom.filter(f -> !f.equals(repository) && !asked.mounted(blob.digest(), f));
    Optional<MountAnswer> answer = Optional.empty();
    if (from.isPresent()) {
      try {
        answer = Optional.of(mount(repository, blob.digest(), from.get(), asked));
      } catch (FailedPreconditionException | NotFoundException | InvalidArgumentException e) {
        // Some registries refuse a mount outright (no access to the source, no such repository)
        // instead of opening an upload session: then the blob is uploaded as if none was asked.
        LOG.log(Level.INFO, "{0} refused to mount {1} from {2} ({3}); uploading it", transport.registry(),
            blob.digest(), from.get(), e.getMessage());
      }
    }
    if (answer.isPresent() && answer.get().mounted()) {
      return Outcome.MOUNTED;
    }
    if (answer.isPresent()) {
      location = answer.get().session().orElseThrow();
    } else {
      try (Response r = transport.checked(post(transport.uri("/v2/" + repository + "/blobs/uploads/"), scopes),
          blob.digest().toString(), what)) {
        location = location(r, what);
      }
    }
    if (blob.size() <= options.monolithicLimit()) {
      Request put = new Request("PUT", withDigest(location, blob.digest()), Map.of("Content-Type", OCTET_STREAM),
          Optional.of(BodyPublishers.ofFile(blob.file())), scopes);
      finish(put, blob, what);
    } else {
      location = chunks(location, blob, what, scopes, sent);
      finish(new Request("PUT", withDigest(location, blob.digest()), Map.of(), Optional.of(BodyPublishers.noBody()),
          scopes), blob, what);
    }
    sent.accept(blob.size());
    return Outcome.UPLOADED;
  }

  /**
   * Asks ({@code HEAD}) whether {@code repository} has blob {@code digest}; its size when it does
   * (-1 when the registry does not say).
   */
  OptionalLong exists(String repository, Digest digest, Asked asked) throws IOException {
    asked.heads.add(digest);
    String what = "blob " + digest + " of " + repository;
    Request head = Request.head(transport.uri("/v2/" + repository + "/blobs/" + digest), Map.of(),
        List.of(RegistryTransport.pushScope(repository)));
    try (Response r = transport.send(head)) {
      if (r.successful()) {
        return OptionalLong.of(r.contentLength().orElse(-1));
      }
      if (r.status() != 404) {
        HttpErrors.check(r, digest.toString(), what, transport.registry());
      }
      return OptionalLong.empty();
    }
  }

  /**
   * Asks the registry to link blob {@code digest} of repository {@code from} into {@code repository}
   * ({@code POST ...?mount=&from=}). A registry that cannot (no such blob there, no access, no mount
   * support) answers with an upload session, which the caller uses or {@linkplain #cancel cancels}.
   */
  MountAnswer mount(String repository, Digest digest, String from, Asked asked) throws IOException {
    asked.mounts.add(digest + " " + from);
    String what = "blob " + digest + " of " + repository;
    String path = "/v2/" + repository + "/blobs/uploads/?mount=" + digest + "&from=" + from;
    Request mount = post(transport.uri(path),
        List.of(RegistryTransport.pushScope(repository), RegistryTransport.pullScope(from)));
    try (Response r = transport.checked(mount, digest.toString(), what + " (mount from " + from + ")")) {
      if (r.status() == 201) {
        Optional<String> confirmed = r.header("Docker-Content-Digest").map(String::trim);
        if (confirmed.isPresent() && !confirmed.get().equals(digest.toString())) {
          throw new CorruptException(digest.toString(), what + ": the registry mounted " + confirmed.get()
              + " instead");
        }
        return new MountAnswer(true, Optional.empty());
      }
      return new MountAnswer(false, Optional.of(location(r, what)));
    }
  }

  /**
   * Ends an upload session that will not be used ({@code DELETE}). Best effort: a registry that
   * refuses it expires the session on its own, so a refusal is only logged.
   */
  void cancel(String repository, URI session) {
    Request delete = new Request("DELETE", session, Map.of(), Optional.empty(),
        List.of(RegistryTransport.pushScope(repository)));
    try (Response r = transport.send(delete)) {
      drain(r);
      if (!r.successful()) {
        LOG.log(Level.DEBUG, "{0} answered HTTP {1} to cancelling an unused upload session; it expires on its own",
            transport.registry(), r.status());
      }
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "cancelling an unused upload session on {0} failed ({1}); it expires on its own",
          transport.registry(), e.getMessage());
    }
  }

  // Each PATCH answer names where the next request goes; the session's state may be in its query.
  private URI chunks(URI location, StagedBlob blob, String what, List<String> scopes, LongConsumer sent)
      throws IOException {
    byte[] buffer = new byte[(int) Math.min(options.chunkSize(), blob.size())];
    long offset = 0;
    try (InputStream in = Files.newInputStream(blob.file())) {
      while (offset < blob.size()) {
        int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, blob.size() - offset));
        if (n <= 0) {
          throw new IOException(blob.file() + " ended after " + offset + " of " + blob.size() + " bytes");
        }
        byte[] chunk = n == buffer.length ? buffer.clone() : java.util.Arrays.copyOf(buffer, n);
        Request patch = new Request("PATCH", location, Map.of("Content-Type", OCTET_STREAM,
            "Content-Range", offset + "-" + (offset + n - 1)), Optional.of(BodyPublishers.ofByteArray(chunk)), scopes);
        try (Response r = transport.checked(patch, blob.digest().toString(), what)) {
          location = location(r, what);
          drain(r);
        }
        offset += n;
        sent.accept(offset);
      }
    }
    return location;
  }

  private void finish(Request put, StagedBlob blob, String what) throws IOException {
    try (Response r = transport.checked(put, blob.digest().toString(), what)) {
      verify(r, blob, what);
      drain(r);
    }
  }

  private static Request post(URI uri, List<String> scopes) {
    return new Request("POST", uri, Map.of(), Optional.of(BodyPublishers.noBody()), scopes);
  }

  private URI location(Response r, String what) throws CorruptException {
    String l = r.header("Location").orElseThrow(() -> new CorruptException(what, transport.registry()
        + " answered HTTP " + r.status() + " for " + what + " without the Location of the upload; it does not speak"
        + " the Distribution API"));
    return transport.resolve(l);
  }

  static URI withDigest(URI location, Digest digest) {
    String s = location.toString();
    return URI.create(s + (location.getRawQuery() == null ? "?" : "&") + "digest=" + digest);
  }

  private static void verify(Response r, StagedBlob blob, String what) throws CorruptException {
    Optional<String> confirmed = r.header("Docker-Content-Digest").map(String::trim);
    if (confirmed.isPresent() && !confirmed.get().equals(blob.digest().toString())) {
      throw new CorruptException(blob.digest().toString(), what + ": the registry stored " + confirmed.get()
          + " instead; the bytes were changed on the way");
    }
  }

  private static void drain(Response r) throws IOException {
    try (InputStream in = r.body()) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }
}
