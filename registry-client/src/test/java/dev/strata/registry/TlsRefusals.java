package dev.strata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.strata.driver.error.FailedPreconditionException;
import java.util.regex.Pattern;

/** How the TLS tests check what a user is told when a registry's certificate is refused. */
final class TlsRefusals {

  private TlsRefusals() {}

  /**
   * {@code thrown} is the refusal, with exactly this message: only the JDK's own reason in the
   * parentheses may vary (its words differ between a path that cannot be built and one that does
   * not validate).
   *
   * @param url the registry's {@code https://host:port}
   * @param advice where the CA certificate goes, as the message words it
   */
  static FailedPreconditionException assertRefusal(String host, String url, String advice, Throwable thrown) {
    assertEquals(FailedPreconditionException.class, thrown.getClass(), () -> "not a TLS refusal: " + thrown);
    FailedPreconditionException e = (FailedPreconditionException) thrown;
    assertEquals(host, e.subject());
    String expected = Pattern.quote("TLS handshake with registry " + host + " at " + url + "/v2/ failed (")
        + "PKIX path (building|validation) failed: .+" + Pattern.quote("); " + advice
        + ", and if it speaks plain HTTP, configure it as an insecure registry");
    assertTrue(Pattern.matches(expected, e.getMessage()), e.getMessage());
    return e;
  }
}
