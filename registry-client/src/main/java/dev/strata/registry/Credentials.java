package dev.strata.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * A user name and password (or token) for one registry. {@link #toString} never shows the
 * password, so a credential that ends up in a log or message leaks nothing.
 */
public record Credentials(String username, String password) {

  public Credentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    if (username.isEmpty() || username.contains(":")) {
      throw new IllegalArgumentException("a user name must be non-empty and contain no ':'");
    }
  }

  /** The {@code Authorization: Basic} value, also the {@code auth} field of the credentials file. */
  String basic() {
    return Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=****]";
  }
}
