package dev.strata.volume;

import java.util.regex.Pattern;

/** Keeps secrets of mount options (cifs {@code password=}, {@code pass=}) out of messages and logs. */
final class Passwords {

  private static final Pattern SECRET = Pattern.compile("((?:^|,)(?:password|pass|passwd)=)[^,]*");

  private Passwords() {}

  /** {@code o} with every password value replaced by {@code ********}, as Docker prints it. */
  static String mask(String options) {
    return SECRET.matcher(options).replaceAll("$1********");
  }
}
