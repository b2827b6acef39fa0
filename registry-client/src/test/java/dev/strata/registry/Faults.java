package dev.strata.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Failures a {@link FakeRegistry} injects, set per test through {@link FakeRegistry#faults()}.
 * Every setter returns {@code this}; counted faults ("the first K times") use themselves up and the
 * registry then answers normally, which is what a retrying or resuming client must get to.
 *
 * <pre>{@code
 * fake.faults()
 *     .dropBlobConnection(layerDigest, 1000, 2)        // two cut downloads, then a whole one
 *     .throttle("GET", "/manifests/", 1, 2)            // one 429 with Retry-After: 2
 *     .failRequests("*", "/blobs/uploads/", 503, 1);   // one 503 on the first upload request
 * }</pre>
 */
public final class Faults {

  /** A status answered instead of the real response, {@code remaining} more times. */
  record StatusFault(String method, Pattern path, int status, Map<String, String> headers) {}

  private final List<StatusFault> statusFaults = new ArrayList<>();
  private final Map<StatusFault, Integer> remaining = new HashMap<>();
  private final Set<String> corruptBlobs = new HashSet<>();
  private final Set<String> corruptManifests = new HashSet<>();
  private final Set<String> truncatedBlobs = new HashSet<>();
  private final Map<String, long[]> drops = new HashMap<>();
  private final Map<String, Long> stalls = new HashMap<>();
  private Duration blobDelay = Duration.ZERO;
  private Optional<FakeRegistry> redirectTarget = Optional.empty();

  Faults() {}

  /**
   * The first {@code times} requests with {@code method} ({@code "*"} for any) whose path contains a
   * match of {@code pathRegex} get {@code status} with a Distribution error body (401, 403, 404,
   * 429, 500, 503, ...). Auth is not consulted for them.
   */
  public synchronized Faults failRequests(String method, String pathRegex, int status, int times) {
    return add(new StatusFault(method, Pattern.compile(pathRegex), status, Map.of()), times);
  }

  /** Like {@link #failRequests} with 429 Too Many Requests and {@code Retry-After: seconds}. */
  public synchronized Faults throttle(String method, String pathRegex, int times, int retryAfterSeconds) {
    return add(new StatusFault(method, Pattern.compile(pathRegex), 429,
        Map.of("Retry-After", Integer.toString(retryAfterSeconds))), times);
  }

  /** GET of this blob returns as many bytes, but not the right ones (one byte flipped), always. */
  public synchronized Faults corruptBlob(String digest) {
    corruptBlobs.add(digest);
    return this;
  }

  /**
   * GET of this manifest (by tag or by digest) returns bytes that are still JSON but not the
   * manifest (a trailing space), with the true digest in Docker-Content-Digest, always.
   */
  public synchronized Faults corruptManifest(String reference) {
    corruptManifests.add(reference);
    return this;
  }

  /** GET of this blob announces its full Content-Length, sends half and closes, always. */
  public synchronized Faults truncateBlob(String digest) {
    truncatedBlobs.add(digest);
    return this;
  }

  /**
   * The first {@code times} GETs of this blob (with or without Range) send {@code afterBytes} bytes
   * of the response body and close the connection, so only a client that resumes with
   * {@code Range: bytes=N-} gets the whole blob without downloading it again.
   */
  public synchronized Faults dropBlobConnection(String digest, long afterBytes, int times) {
    drops.put(digest, new long[] {afterBytes, times});
    return this;
  }

  /**
   * The first GET of this blob sends {@code afterBytes} bytes of the body, then nothing more while
   * keeping the connection open (up to 30 s, or until the registry closes): a stalled server,
   * which only a client with a read timeout gets past. Later GETs are answered normally.
   */
  public synchronized Faults stallBlob(String digest, long afterBytes) {
    stalls.put(digest, afterBytes);
    return this;
  }

  /** Every blob GET waits this long before answering: makes parallel downloads overlap. */
  public synchronized Faults delayBlobs(Duration delay) {
    blobDelay = delay;
    return this;
  }

  /**
   * Blob GETs answer {@code 307} to the same path on {@code target}, a registry on another port
   * standing in for a CDN; the blob is copied there first so the target can serve it. HEADs are
   * answered here. Give {@code target} no auth to check that credentials do not follow a redirect.
   */
  public synchronized Faults redirectBlobs(FakeRegistry target) {
    redirectTarget = Optional.of(target);
    return this;
  }

  /** Removes every fault. */
  public synchronized Faults clear() {
    statusFaults.clear();
    remaining.clear();
    corruptBlobs.clear();
    corruptManifests.clear();
    truncatedBlobs.clear();
    drops.clear();
    stalls.clear();
    blobDelay = Duration.ZERO;
    redirectTarget = Optional.empty();
    return this;
  }

  synchronized Optional<StatusFault> statusFor(String method, String path) {
    for (StatusFault fault : statusFaults) {
      boolean methodMatches = fault.method().equals("*") || fault.method().equals(method);
      if (methodMatches && remaining.get(fault) > 0 && fault.path().matcher(path).find()) {
        remaining.merge(fault, -1, Integer::sum);
        return Optional.of(fault);
      }
    }
    return Optional.empty();
  }

  synchronized boolean corruptsBlob(String digest) {
    return corruptBlobs.contains(digest);
  }

  synchronized boolean corruptsManifest(String reference, String digest) {
    return corruptManifests.contains(reference) || corruptManifests.contains(digest);
  }

  /** How many of {@code length} body bytes to send before cutting the connection, if any. */
  synchronized OptionalLong cutAfter(String digest, long length) {
    if (truncatedBlobs.contains(digest)) {
      return OptionalLong.of(length / 2);
    }
    long[] drop = drops.get(digest);
    if (drop != null && drop[1] > 0 && drop[0] < length) {
      drop[1]--;
      return OptionalLong.of(drop[0]);
    }
    return OptionalLong.empty();
  }

  /** How many body bytes to send before stalling, once per {@link #stallBlob}. */
  synchronized OptionalLong stallAfter(String digest, long length) {
    Long after = stalls.remove(digest);
    return after == null || after >= length ? OptionalLong.empty() : OptionalLong.of(after);
  }

  synchronized Duration blobDelay() {
    return blobDelay;
  }

  synchronized Optional<FakeRegistry> redirectTarget() {
    return redirectTarget;
  }

  private Faults add(StatusFault fault, int times) {
    if (times < 1) {
      throw new IllegalArgumentException("times must be at least 1, was " + times);
    }
    statusFaults.add(fault);
    // Records with a Pattern compare by identity of the Pattern, so two equal rules stay distinct.
    remaining.put(fault, times);
    return this;
  }
}
