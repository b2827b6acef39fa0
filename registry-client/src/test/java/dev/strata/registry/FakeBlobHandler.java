package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET}/{@code HEAD /v2/<name>/blobs/<digest>}, with single-range requests
 * ({@code Range: bytes=a-b} or {@code bytes=a-}, answered 206 with Content-Range; an unsatisfiable
 * range gets 416) and the blob faults of {@link Faults}.
 */
final class FakeBlobHandler {

  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final FakeStorage storage;
  private final Faults faults;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();

  FakeBlobHandler(FakeStorage storage, Faults faults) {
    this.storage = storage;
    this.faults = faults;
  }

  /** The most blob GETs that were being answered at one time. */
  int maxConcurrentGets() {
    return maxInFlight.get();
  }

  void handle(HttpExchange exchange, String repository, String digest) throws IOException {
    if (!exchange.getRequestMethod().equals("GET")) {
      answer(exchange, repository, digest);
      return;
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      pause(faults.blobDelay());
      answer(exchange, repository, digest);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private void answer(HttpExchange exchange, String repository, String digest) throws IOException {
    Optional<byte[]> stored = storage.blob(repository, digest);
    if (stored.isEmpty()) {
      Exchanges.error(exchange, 404, "BLOB_UNKNOWN", "blob unknown to registry: " + digest);
      return;
    }
    boolean head = exchange.getRequestMethod().equals("HEAD");
    Optional<FakeRegistry> redirect = faults.redirectTarget();
    if (redirect.isPresent() && !head) {
      redirect.get().storage().putBlob(repository, stored.get());
      exchange.getResponseHeaders().set("Location", redirect.get().url() + exchange.getRequestURI().getRawPath());
      Exchanges.empty(exchange, 307);
      return;
    }
    byte[] blob = stored.get();
    if (faults.corruptsBlob(digest)) {
      blob = blob.clone();
      blob[blob.length / 2] ^= 0x5a;
    }
    exchange.getResponseHeaders().set("Docker-Content-Digest", digest);
    exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
    exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
    exchange.getResponseHeaders().set("ETag", "\"" + digest + "\"");
    int status = 200;
    int from = 0;
    int to = blob.length;
    String range = exchange.getRequestHeaders().getFirst("Range");
    if (range != null && !head) {
      Matcher m = RANGE.matcher(range.trim());
      int start = m.matches() ? parse(m.group(1)) : -1;
      int end = m.matches() && !m.group(2).isEmpty() ? parse(m.group(2)) : blob.length - 1;
      if (start < 0 || start >= blob.length || end < start) {
        exchange.getResponseHeaders().set("Content-Range", "bytes */" + blob.length);
        Exchanges.error(exchange, 416, "RANGE_INVALID", "unsatisfiable range " + range);
        return;
      }
      from = start;
      to = Math.min(end, blob.length - 1) + 1;
      status = 206;
      exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (to - 1) + "/" + blob.length);
    }
    byte[] body = Arrays.copyOfRange(blob, from, to);
    OptionalLong stall = head ? OptionalLong.empty() : faults.stallAfter(digest, body.length);
    if (stall.isPresent()) {
      exchange.sendResponseHeaders(status, body.length);
      OutputStream out = exchange.getResponseBody();
      out.write(body, 0, (int) stall.getAsLong());
      out.flush();
      // The registry's close interrupts this thread; the client should have given up long before.
      pause(Duration.ofSeconds(30));
      throw new Exchanges.DropConnection("stalled " + digest + " after " + stall.getAsLong() + " bytes");
    }
    OptionalLong cut = head ? OptionalLong.empty() : faults.cutAfter(digest, body.length);
    if (cut.isEmpty()) {
      Exchanges.send(exchange, status, body);
      return;
    }
    exchange.sendResponseHeaders(status, body.length);
    OutputStream out = exchange.getResponseBody();
    out.write(body, 0, (int) cut.getAsLong());
    out.flush();
    throw new Exchanges.DropConnection("cut " + digest + " after " + cut.getAsLong() + " of " + body.length + " bytes");
  }

  private static void pause(Duration delay) throws IOException {
    if (delay.isZero()) {
      return;
    }
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Exchanges.DropConnection("registry closing");
    }
  }

  private static int parse(String number) {
    try {
      return Integer.parseInt(number);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
