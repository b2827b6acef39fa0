package dev.strata.volumeplugin;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Failures Jetty answers itself, before a call reaches {@link PluginHandler} (a request line it
 * cannot parse, headers past their limit), answered as the protocol answers: JSON with an
 * {@code Err}, not an HTML page, so that Docker can show the reason.
 */
final class JsonErrorHandler extends ErrorHandler {

  @Override
  protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
      Callback callback) {
    PluginAnswers.send(response, code, PluginAnswers.error(describe(code, message)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(HttpHeader.CONTENT_TYPE, PluginAnswers.CONTENT_TYPE);
    return ByteBuffer.wrap(PluginAnswers.bytes(PluginAnswers.error(describe(status, reason))));
  }

  private static String describe(int code, String message) {
    String reason = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
    return "bad request to the Strata volume plugin: HTTP " + code + " " + reason;
  }
}
