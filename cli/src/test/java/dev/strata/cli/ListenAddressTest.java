package dev.strata.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class ListenAddressTest {

  @Test
  void parse_portAlone_listensOnIpv4Loopback() {
    InetSocketAddress a = ListenAddress.parse("8080");
    assertEquals("127.0.0.1:8080", a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  @Test
  void parse_explicitAddress_isHonoured() {
    InetSocketAddress a = ListenAddress.parse("0.0.0.0:9000");
    assertEquals("0.0.0.0:9000", a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  @Test
  void parse_bracketedIpv6_isTheAddress() {
    InetSocketAddress a = ListenAddress.parse("[::1]:8080");
    assertEquals("0:0:0:0:0:0:0:1", a.getAddress().getHostAddress());
    assertEquals(8080, a.getPort());
  }

  @Test
  void parse_bareIpv6_isRefusedAskingForBrackets() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("::1:8080"));
    assertEquals("'::1:8080': write an IPv6 address in brackets, [::1]:8080", e.getMessage());
  }

  @Test
  void parse_portOutOfRange_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse("127.0.0.1:65536"));
    assertEquals("'127.0.0.1:65536': port 65536 is not between 0 and 65535", e.getMessage());
  }

  @Test
  void parse_emptyHost_isRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(":8080"));
    assertEquals("':8080': no host before the ':'; give HOST:PORT or PORT alone", e.getMessage());
  }
}
