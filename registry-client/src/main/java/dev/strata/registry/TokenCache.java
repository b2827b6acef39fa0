package dev.strata.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Bearer tokens by what they were issued for (realm, service and scopes), until they expire. A
 * token is dropped a little before its {@code expires_in} so that a request does not leave with a
 * token that expires on the way.
 */
final class TokenCache {

  /** The token spec's default lifetime when the server gives none. */
  static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
  private static final Duration MARGIN = Duration.ofSeconds(5);

  private record Entry(String token, Instant expires) {}

  private final Clock clock;
  private final Map<String, Entry> tokens = new HashMap<>();

  TokenCache(Clock clock) {
    this.clock = clock;
  }

  synchronized Optional<String> get(String key) {
    Entry e = tokens.get(key);
    if (e == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(e.expires())) {
      tokens.remove(key);
      return Optional.empty();
    }
    return Optional.of(e.token());
  }

  synchronized void put(String key, String token, Duration lifetime) {
    Duration usable = lifetime.compareTo(MARGIN.multipliedBy(2)) > 0 ? lifetime.minus(MARGIN) : lifetime;
    tokens.put(key, new Entry(token, clock.instant().plus(usable)));
  }

  synchronized void invalidate(String key) {
    tokens.remove(key);
  }
}
