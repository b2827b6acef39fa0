package dev.strata.registry;

import dev.strata.driver.Digest;
import dev.strata.driver.error.CorruptException;
import dev.strata.registry.BlobPush.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * Puts one blob into a repository the cheapest way the Distribution spec offers: nothing when a
 * {@code HEAD} finds it; a cross-repository mount when a source repository is known (a registry
 * that cannot mount answers 202 with an upload session, which is then used); else an upload, one
 * {@code PUT} up to the monolithic limit, {@code PATCH} chunks and a closing {@code PUT} above it.
 * A registry that confirms another digest than the one sent is a {@link CorruptException}.
 */
final class BlobUploader {

  private static final String OCTET_STREAM = "application/octet-stream";

  private final RegistryTransport transport;
  private final PushOptions options;

  BlobUploader(RegistryTransport transport, PushOptions options) {
    this.transport = transport;
    this.options = options;
  }

  /**
   * @param mountFrom a repository of the same registry that may hold the blob
   * @param sent hears how many bytes the registry acknowledged
   */
  Outcome push(String repository, StagedBlob blob, Optional<String> mountFrom, LongConsumer sent) throws IOException {
    String what = "blob " + blob.digest() + " of " + repository;
    List<String> scopes = List.of(RegistryTransport.pushScope(repository));
    Request head = Request.head(transport.uri("/v2/" + repository + "/blobs/" + blob.digest()), Map.of(), scopes);
    try (Response r = transport.send(head)) {
      if (r.successful()) {
        return Outcome.EXISTS;
      }
      if (r.status() != 404) {
        HttpErrors.check(r, blob.digest().toString(), what, transport.registry());
      }
    }
    URI location;
    Optional<String> from = mountFrom.filter(f -> !f.equals(repository));
    if (from.isPresent()) {
      String path = "/v2/" + repository + "/blobs/uploads/?mount=" + blob.digest() + "&from=" + from.get();
      Request mount = post(transport.uri(path),
          List.of(RegistryTransport.pushScope(repository), RegistryTransport.pullScope(from.get())));
      try (Response r = transport.checked(mount, blob.digest().toString(), what + " (mount from " + from.get() + ")")) {
        if (r.status() == 201) {
          verify(r, blob, what);
          return Outcome.MOUNTED;
        }
        location = location(r, what);
      }
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
