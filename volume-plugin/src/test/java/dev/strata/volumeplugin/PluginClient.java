package dev.strata.volumeplugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** HTTP/1.1 over the plugin's unix socket, one connection per call, as plain as Docker's client. */
final class PluginClient {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path socket;

  PluginClient(Path socket) {
    this.socket = socket;
  }

  /** An answer: its status, headers (lower-case names) and JSON body. */
  record Answer(int status, Map<String, String> headers, JsonNode json) {
    /** The {@code Err} of the answer, or empty when it has none. */
    String err() {
      return json.path("Err").asText("");
    }
  }

  /** POSTs {@code body} to {@code path}. */
  Answer post(String path, String body) throws IOException {
    return call("POST", path, body.getBytes(StandardCharsets.UTF_8));
  }

  Answer call(String method, String path, byte[] body) throws IOException {
    String head = method + " " + path + " HTTP/1.1\r\nHost: plugin\r\nConnection: close\r\n"
        + "Content-Type: application/vnd.docker.plugins.v1.2+json\r\nContent-Length: " + body.length + "\r\n\r\n";
    return exchange(head.getBytes(StandardCharsets.US_ASCII), body);
  }

  /** Sends {@code head} and {@code body} as they are and reads the answer. */
  Answer exchange(byte[] head, byte[] body) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      writeAll(channel, head);
      try {
        writeAll(channel, body);
      } catch (IOException e) {
        // The server may answer and close before taking a body it refuses: read its answer.
      }
      channel.shutdownOutput();
      return parse(Channels.newInputStream(channel).readAllBytes());
    }
  }

  private static void writeAll(SocketChannel channel, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  private static Answer parse(byte[] raw) throws IOException {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP answer: " + text);
    }
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new TreeMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
    }
    byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      body = unchunk(body);
    }
    JsonNode json = body.length == 0 ? MAPPER.createObjectNode() : tryJson(body);
    return new Answer(status, headers, json);
  }

  private static JsonNode tryJson(byte[] body) {
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return MAPPER.createObjectNode().put("NotJson", new String(body, StandardCharsets.UTF_8));
    }
  }

  private static byte[] unchunk(byte[] body) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new java.io.ByteArrayInputStream(body);
    while (true) {
      StringBuilder size = new StringBuilder();
      int c;
      while ((c = in.read()) != '\n') {
        if (c < 0) {
          return out.toByteArray();
        }
        if (c != '\r') {
          size.append((char) c);
        }
      }
      int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
      if (n == 0) {
        return out.toByteArray();
      }
      out.write(in.readNBytes(n));
      in.readNBytes(2);
    }
  }
}
