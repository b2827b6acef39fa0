package dev.strata.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Requests the console refuses: actions without the session token, hostile paths and bodies. */
class ConsoleRefusalTest {

  @TempDir Path dir;
  private ConsoleRoot console;
  private ApiClient client;

  @BeforeEach
  void start() throws Exception {
    console = ConsoleRoot.start(dir, false);
    client = new ApiClient(console).session();
  }

  @AfterEach
  void stop() throws Exception {
    console.close();
  }

  @Test
  void deleteImage_withoutCookieOrHeader_answers403NamingTheCookie() throws Exception {
    ApiClient.Answer refused = ApiClient.answer(client.send(
        HttpRequest.newBuilder(console.uri("/api/images/" + ConsoleRoot.BASE.id())).DELETE()));

    assertEquals(403, refused.status());
    assertEquals("no session token: the strata_token cookie is missing; load a console page first",
        refused.body().get("error").asText());
    assertImagesKept();
  }

  @Test
  void deleteImage_cookieWithoutHeader_answers403NamingTheHeader() throws Exception {
    ApiClient.Answer refused = ApiClient.answer(client.send(
        HttpRequest.newBuilder(console.uri("/api/images/" + ConsoleRoot.BASE.id())).DELETE()
            .header("Cookie", Csrf.COOKIE + "=" + client.token())));

    assertEquals(403, refused.status());
    assertEquals("missing the X-Strata-Token header: actions must come from the console's pages",
        refused.body().get("error").asText());
    assertImagesKept();
  }

  @Test
  void deleteImage_headerDiffersFromCookie_answers403() throws Exception {
    ApiClient.Answer refused = ApiClient.answer(client.send(
        HttpRequest.newBuilder(console.uri("/api/images/" + ConsoleRoot.BASE.id())).DELETE()
            .header("Cookie", Csrf.COOKIE + "=" + client.token()).header(Csrf.HEADER, client.token() + "x")));

    assertEquals(403, refused.status());
    assertEquals("the X-Strata-Token header does not match the session token; reload the page",
        refused.body().get("error").asText());
    assertImagesKept();
  }

  @Test
  void deleteImage_forgedTokenInBoth_answers403() throws Exception {
    String forged = "bm9uY2U.c2lnbmF0dXJl";
    ApiClient.Answer refused = ApiClient.answer(client.send(
        HttpRequest.newBuilder(console.uri("/api/images/" + ConsoleRoot.BASE.id())).DELETE()
            .header("Cookie", Csrf.COOKIE + "=" + forged).header(Csrf.HEADER, forged)));

    assertEquals(403, refused.status());
    assertTrue(refused.body().get("error").asText().startsWith("the session token is not one this console issued"));
    assertImagesKept();
  }

  @Test
  void page_withValidToken_setsNoNewCookie() throws Exception {
    HttpResponse<String> page = client.send(HttpRequest.newBuilder(console.uri("/images"))
        .header("Cookie", Csrf.COOKIE + "=" + client.token()));

    assertEquals(200, page.statusCode());
    assertEquals(java.util.Optional.empty(), page.headers().firstValue("Set-Cookie"));
  }

  @Test
  void unknownApiRoute_answersJson404() throws Exception {
    ApiClient.Answer missing = client.get("/api/nothing-here");

    assertEquals(404, missing.status());
    assertEquals("no API path /api/nothing-here; see /api/openapi.yaml for the paths served",
        missing.body().get("error").asText());
    assertEquals("application/json; charset=utf-8", missing.raw().headers().firstValue("Content-Type").orElseThrow());
  }

  @Test
  void unknownPage_answersJson404() throws Exception {
    ApiClient.Answer missing = client.get("/etc/passwd");

    assertEquals(404, missing.status());
    assertTrue(missing.body().get("error").asText().startsWith("no page /etc/passwd;"));
  }

  @Test
  void imageDetail_badId_answers400() throws Exception {
    ApiClient.Answer bad = client.get("/api/images/nginx");

    assertEquals(400, bad.status());
    assertEquals("image id nginx is not valid: give the full id, sha256: and 64 lowercase hex digits, "
        + "as /api/images lists it", bad.body().get("error").asText());
  }

  @Test
  void imageDetail_unknownId_answers404() throws Exception {
    ApiClient.Answer missing = client.get("/api/images/sha256:" + "0".repeat(64));

    assertEquals(404, missing.status());
    assertEquals("no image sha256:" + "0".repeat(64) + " in this root (it may have been removed meanwhile)",
        missing.body().get("error").asText());
  }

  @Test
  void containerDiff_encodedTraversal_isRefusedWithJson400() throws Exception {
    ApiClient.Answer bad = client.get("/api/containers/..%2F..%2Fetc/diff");

    assertEquals(400, bad.status());
    assertTrue(bad.body().has("error"), bad.body().toString());
  }

  @Test
  void containerDiff_dotDotName_isRefusedWithJson400() throws Exception {
    ApiClient.Answer bad = client.get("/api/containers/.../diff");

    assertEquals(400, bad.status());
    assertEquals("container name ... is not valid: a name is [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 255 characters",
        bad.body().get("error").asText());
  }

  @Test
  void traversalOutsideApi_rawRequest_neverServesAFile() throws Exception {
    String answer = raw("GET /assets/../../../../etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 400") || answer.startsWith("HTTP/1.1 404"), answer);
    assertTrue(!answer.contains("root:"), answer);
  }

  @Test
  void containerDiff_unknownContainer_answers404() throws Exception {
    ApiClient.Answer missing = client.get("/api/containers/nobody/diff");

    assertEquals(404, missing.status());
    assertTrue(missing.body().get("error").asText().contains("nobody"), missing.body().toString());
  }

  @Test
  void action_bodyPastLimit_answers413() throws Exception {
    ApiClient.Answer big = ApiClient.answer(client.send(
        HttpRequest.newBuilder(console.uri("/api/volumes/prune"))
            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[ConsoleHandler.MAX_BODY + 1]))
            .header("Cookie", Csrf.COOKIE + "=" + client.token()).header(Csrf.HEADER, client.token())));

    assertEquals(413, big.status());
    assertEquals("request body of 4097 bytes; actions take at most 4096", big.body().get("error").asText());
  }

  @Test
  void path_pastLimit_answers414() throws Exception {
    ApiClient.Answer long_ = client.get("/api/images/" + "a".repeat(ConsoleHandler.MAX_PATH));

    assertEquals(414, long_.status());
    assertTrue(long_.body().get("error").asText().startsWith("request path of "));
  }

  @Test
  void headers_pastLimit_answerJson431() throws Exception {
    HttpResponse<String> big = client.send(HttpRequest.newBuilder(console.uri("/api/df"))
        .header("X-Big", "b".repeat(16 * 1024)));

    assertEquals(431, big.statusCode());
    assertTrue(Answers.MAPPER.readTree(big.body()).has("error"), big.body());
  }

  @Test
  void anyRequest_foreignHostOnLoopback_answers403AgainstDnsRebinding() throws Exception {
    String answer = raw("GET /api/images HTTP/1.1\r\nHost: attacker.example:" + console.server.uri().getPort()
        + "\r\nConnection: close\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
    assertTrue(answer.contains("Host attacker.example:" + console.server.uri().getPort()
        + " is not a loopback name"), answer);
    assertTrue(!answer.contains(ConsoleRoot.APP.id()), answer);
  }

  @Test
  void anyRequest_localhostHost_isServed() throws Exception {
    String answer = raw("GET /api/generation HTTP/1.1\r\nHost: localhost:" + console.server.uri().getPort()
        + "\r\nConnection: close\r\n\r\n");

    assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
  }

  @Test
  void prune_withGet_answers405WithAllow() throws Exception {
    ApiClient.Answer wrong = client.get("/api/volumes/prune");

    assertEquals(405, wrong.status());
    assertEquals("POST", wrong.raw().headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void readOnlyConsole_actionWithToken_answers403AndChangesNothing(@TempDir Path other) throws Exception {
    try (ConsoleRoot readOnly = ConsoleRoot.start(other, true)) {
      ApiClient c = new ApiClient(readOnly).session();

      ApiClient.Answer refused = c.action("DELETE", "/api/images/" + ConsoleRoot.BASE.id());
      ApiClient.Answer prune = c.action("POST", "/api/volumes/prune");

      assertEquals(403, refused.status());
      assertEquals("this console is read-only (strata serve --read-only): DELETE is not served; "
          + "use the strata command to change the root", refused.body().get("error").asText());
      assertEquals(403, prune.status());
      assertTrue(c.get("/api/info").body().get("read_only").asBoolean());
      assertEquals(2, c.get("/api/volumes").body().size());
      assertEquals(2, c.get("/api/images").body().size());
    }
  }

  private void assertImagesKept() throws Exception {
    assertEquals(2, client.get("/api/images").body().size());
  }

  private String raw(String request) throws Exception {
    try (Socket s = new Socket(console.server.uri().getHost(), console.server.uri().getPort())) {
      s.setSoTimeout(60_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
