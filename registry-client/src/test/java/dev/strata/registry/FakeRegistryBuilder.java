package dev.strata.registry;

import java.io.IOException;
import java.util.Objects;
import java.util.Optional;

/** Options of a {@link FakeRegistry}: plain HTTP and no auth unless told otherwise. */
public final class FakeRegistryBuilder {

  boolean tls;
  Optional<Certificates> certificates = Optional.empty();
  FakeAuth.Mode authMode = FakeAuth.Mode.NONE;
  Optional<String> username = Optional.empty();
  String password = "";
  boolean anonymousPull;

  FakeRegistryBuilder() {}

  /** HTTPS with a CA and certificate made by {@code openssl} at start, deleted at close. */
  public FakeRegistryBuilder tls() {
    tls = true;
    return this;
  }

  /** HTTPS with given certificates, e.g. another fake's, so one CA covers both ("CDN" redirects). */
  public FakeRegistryBuilder tls(Certificates shared) {
    tls = true;
    certificates = Optional.of(shared);
    return this;
  }

  /** Every request but {@code /token} needs {@code Authorization: Basic} with these credentials. */
  public FakeRegistryBuilder basicAuth(String username, String password) {
    return auth(FakeAuth.Mode.BASIC, username, password);
  }

  /** The Docker token flow; {@code /token} accepts these basic credentials. */
  public FakeRegistryBuilder bearerAuth(String username, String password) {
    return auth(FakeAuth.Mode.BEARER, username, password);
  }

  /** With {@link #bearerAuth}: {@code /token} without credentials grants pull (never push). */
  public FakeRegistryBuilder anonymousPull() {
    anonymousPull = true;
    return this;
  }

  public FakeRegistry start() throws IOException {
    return FakeRegistry.start(this);
  }

  private FakeRegistryBuilder auth(FakeAuth.Mode mode, String username, String password) {
    this.authMode = mode;
    this.username = Optional.of(Objects.requireNonNull(username, "username"));
    this.password = Objects.requireNonNull(password, "password");
    return this;
  }
}
