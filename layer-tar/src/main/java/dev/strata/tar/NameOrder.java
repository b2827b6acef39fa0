package dev.strata.tar;

import java.util.Comparator;

/**
 * Byte order of the UTF-8 encodings, which is Unicode code point order. {@link String#compareTo}
 * compares UTF-16 units and so differs for characters beyond the BMP; Go's tar tooling (and so
 * Docker's) sorts by bytes, and this keeps our order identical to theirs.
 */
final class NameOrder {

  static final Comparator<String> BYTES = NameOrder::compare;

  private NameOrder() {}

  static int compare(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Boolean.compare(i < a.length(), j < b.length());
  }
}
