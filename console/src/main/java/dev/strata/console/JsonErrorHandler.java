package dev.strata.console;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Failures Jetty answers itself, before a request reaches the console (a request line it cannot
 * parse, headers past their limit): JSON with an {@code error}, as the API answers everything.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    Answers.json(response, code, Answers.error(describe(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, Answers.JSON);
    return ByteBuffer.wrap(Answers.bytes(Answers.error(describe(status, reason))));
  }

  private static String describe(int code, String message) {
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    return "bad request to the Strata console: HTTP " + code + " " + reason;
  }
}
