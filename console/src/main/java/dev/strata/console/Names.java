package dev.strata.console;

import java.util.regex.Pattern;

/**
 * Checks the ids and names a request's path carries before any store sees them: an image or layer
 * id is a full sha256 digest, a container or volume name is what Docker allows. Anything else,
 * {@code ..} and {@code /} included, is refused with 400 naming the part.
 */
final class Names {

  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");
  /** Docker's rule for container and volume names. */
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,254}");

  private Names() {}

  /** An image id as {@code sha256:<hex>}, also taken as the bare 64 hex digits. */
  static String imageId(String text) throws ApiException {
    if (HEX.matcher(text).matches()) {
      return "sha256:" + text;
    }
    if (!DIGEST.matcher(text).matches()) {
      throw new ApiException(400, "image id " + Answers.printable(text)
          + " is not valid: give the full id, sha256: and 64 lowercase hex digits, as /api/images lists it");
    }
    return text;
  }

  static String containerName(String text) throws ApiException {
    return name("container", text);
  }

  static String volumeName(String text) throws ApiException {
    return name("volume", text);
  }

  private static String name(String what, String text) throws ApiException {
    if (!NAME.matcher(text).matches()) {
      throw new ApiException(400, what + " name " + Answers.printable(text)
          + " is not valid: a name is [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters");
    }
    return text;
  }
}
