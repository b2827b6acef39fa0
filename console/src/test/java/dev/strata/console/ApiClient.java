package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/** A client of one console, keeping the session token a page load gives, as a browser would. */
final class ApiClient {

  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  private final ConsoleRoot console;
  private String token = "";

  ApiClient(ConsoleRoot console) {
    this.console = console;
  }

  /** Loads the dashboard page and keeps the token its cookie carries. */
  ApiClient session() throws IOException, InterruptedException {
    HttpResponse<String> page = send(HttpRequest.newBuilder(console.uri("/")).GET());
    Optional<String> cookie = page.headers().firstValue("Set-Cookie");
    token = cookie.orElseThrow(() -> new AssertionError("the page set no session cookie")).split(";")[0]
        .substring(Csrf.COOKIE.length() + 1);
    return this;
  }

  String token() {
    return token;
  }

  Answer get(String path) throws IOException, InterruptedException {
    return answer(send(HttpRequest.newBuilder(console.uri(path)).GET()));
  }

  /** An action with the session's cookie and header, as the pages send it. */
  Answer action(String method, String path) throws IOException, InterruptedException {
    return answer(send(HttpRequest.newBuilder(console.uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
        .header("Cookie", Csrf.COOKIE + "=" + token).header(Csrf.HEADER, token)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
    return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  static Answer answer(HttpResponse<String> r) throws IOException {
    return new Answer(r.statusCode(), Answers.MAPPER.readTree(r.body()), r);
  }
}
