package dev.strata.driver;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest as OCI writes it: {@code sha256:<64 lowercase hex>}. */
public record Digest(String algorithm, String hex) {

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  public Digest {
    if (!"sha256".equals(algorithm)) {
      throw new IllegalArgumentException("unsupported digest algorithm '" + algorithm + "' (only sha256)");
    }
    if (hex == null || !SHA256_HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a sha256 hex digest: '" + hex + "'");
    }
  }

  /** Parses {@code sha256:<hex>}. */
  public static Digest parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("digest '" + text + "' lacks the 'sha256:' prefix");
    }
    return new Digest(text.substring(0, colon), text.substring(colon + 1));
  }

  public static Digest sha256(byte[] hash) {
    return new Digest("sha256", HexFormat.of().formatHex(hash));
  }

  public static Digest sha256Of(byte[] content) {
    return sha256(newSha256().digest(content));
  }

  /** A fresh SHA-256 hasher, for computing a digest while bytes stream. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return algorithm + ":" + hex;
  }
}
