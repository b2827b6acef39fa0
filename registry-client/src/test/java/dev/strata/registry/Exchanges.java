package dev.strata.registry;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Response writing shared by the fake registry's handlers. */
final class Exchanges {

  private Exchanges() {}

  /**
   * Sends {@code body} (or only its length, for HEAD) and ends the exchange. HttpServer refuses a
   * length for HEAD and for 204, so those get Content-Length set by hand and no body.
   */
  static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    if (exchange.getRequestMethod().equals("HEAD") || status == 204) {
      if (status != 204) {
        exchange.getResponseHeaders().set("Content-Length", Long.toString(body.length));
      }
      exchange.sendResponseHeaders(status, -1);
    } else if (body.length == 0) {
      exchange.sendResponseHeaders(status, -1);
    } else {
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
    exchange.close();
  }

  static void empty(HttpExchange exchange, int status) throws IOException {
    send(exchange, status, new byte[0]);
  }

  /** A Distribution error body: {@code {"errors":[{"code":..,"message":..}]}}. */
  static void error(HttpExchange exchange, int status, String code, String message) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    String json = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\""
        + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}]}";
    send(exchange, status, json.getBytes(StandardCharsets.UTF_8));
  }

  static byte[] body(HttpExchange exchange) throws IOException {
    return exchange.getRequestBody().readAllBytes();
  }

  /** Query parameters, decoded; the last value wins. */
  static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> params = new LinkedHashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null) {
      return params;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }

  /**
   * Thrown out of a handler to cut the connection mid-body: HttpServer closes the socket when a
   * handler throws, whereas closing a short fixed-length stream leaves the client waiting.
   */
  static final class DropConnection extends IOException {
    DropConnection(String message) {
      super(message);
    }
  }
}
