package dev.strata.files;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The expected side is written out character by character, never computed, so that the test cannot
 * agree with a wrong helper.
 */
class PrintableNamesTest {

  @Test
  void quoted_printableAscii_keptAsIs() {
    assertEquals("'etc/passwd'", PrintableNames.quoted("etc/passwd"));
    assertEquals("''", PrintableNames.quoted(""));
    assertEquals("'a b/~!@#$%^&*()_+-={}[]:;<>?,.\"`|'", PrintableNames.quoted("a b/~!@#$%^&*()_+-={}[]:;<>?,.\"`|"));
  }

  @Test
  void quoted_newlineAndTab_escapedByName() {
    assertEquals("'evil\\nname'", PrintableNames.quoted("evil\nname"));
    assertEquals("'evil\\tname'", PrintableNames.quoted("evil\tname"));
  }

  @Test
  void quoted_otherControlBytes_escapedInHex() {
    assertEquals("'evil\\x00name'", PrintableNames.quoted("evil\0name"));
    assertEquals("'\\x0d\\x1b[2J\\x7f'", PrintableNames.quoted("\r\u001b[2J\u007f"));
  }

  @Test
  void quoted_backslashAndQuote_escapedSoThatEveryEscapeIsOne() {
    assertEquals("'a\\\\x41'", PrintableNames.quoted("a\\x41"));
    assertEquals("'it\\'s'", PrintableNames.quoted("it's"));
  }

  @Test
  void quoted_nonAscii_escapesEachUtf8Byte() {
    assertEquals("'caf\\xc3\\xa9'", PrintableNames.quoted("caf\u00e9"));
    assertEquals("'\\xe2\\x9c\\x93'", PrintableNames.quoted("\u2713"));
  }

  @Test
  void quoted_rawBytes_escapedOneByOne() {
    assertEquals("'A\\xff\\x80\\n'", PrintableNames.quoted(new byte[] {'A', (byte) 0xff, (byte) 0x80, '\n'}));
  }
}
