package dev.strata.volumeplugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strata.driver.error.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Reads one plugin call off HTTP and writes its JSON answer.
 *
 * <p>Every answer carries {@code Err} when the call failed. A failure of the store is answered
 * {@code 200} with the store's message, as plugins do: Docker's plugin client reports the
 * {@code Err} of a {@code 200} verbatim, but prefixes the method to one that came with another
 * status ({@code VolumeDriver.Remove: ...}). Requests the protocol does not allow get a 4xx status
 * and an {@code Err} too.
 */
final class PluginHandler extends Handler.Abstract {

  /** Docker's largest call is a Create with a few options: far below this. */
  static final int MAX_BODY = 1 << 20;

  private static final System.Logger LOG = System.getLogger(PluginHandler.class.getName());

  private final StoreVolumeDriver driver;

  PluginHandler(StoreVolumeDriver driver) {
    // Blocking: the store's calls wait for its lock and for mount(2).
    super(InvocationType.BLOCKING);
    this.driver = driver;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    ObjectNode answer;
    int status = 200;
    try {
      Endpoint endpoint = endpoint(request);
      answer = driver.call(endpoint, PluginRequest.parse(endpoint, body(request)));
    } catch (BadRequestException e) {
      status = e.status();
      answer = PluginAnswers.error(e.getMessage());
      if (status == 405) {
        response.getHeaders().put(HttpHeader.ALLOW, "POST");
      }
    } catch (StorageException e) {
      answer = PluginAnswers.error(e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.ERROR, "volume plugin call " + Request.getPathInContext(request) + " failed", e);
      answer = PluginAnswers.error("strata: " + Request.getPathInContext(request).substring(1) + " failed: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "volume plugin call " + Request.getPathInContext(request) + " failed", e);
      answer = PluginAnswers.error("strata: internal error in " + Request.getPathInContext(request).substring(1) + ": " + e
          + " (see the plugin's log)");
    }
    PluginAnswers.send(response, status, answer, callback);
    return true;
  }

  private static Endpoint endpoint(Request request) throws BadRequestException {
    String path = Request.getPathInContext(request);
    Optional<Endpoint> endpoint = Endpoint.at(path);
    if (endpoint.isEmpty()) {
      throw new BadRequestException(404, "unknown plugin call " + printable(path)
          + ": this plugin implements VolumeDriver (see /Plugin.Activate)");
    }
    if (!"POST".equals(request.getMethod())) {
      throw new BadRequestException(405, endpoint.get().method() + ": only POST is served, not "
          + printable(request.getMethod()));
    }
    return endpoint.get();
  }

  /** The request's body, refused past {@link #MAX_BODY} before more than that is read. */
  private static byte[] body(Request request) throws BadRequestException {
    long declared = request.getLength();
    if (declared > MAX_BODY) {
      throw tooLarge(declared + " bytes");
    }
    byte[] body;
    try (InputStream in = Content.Source.asInputStream(request)) {
      body = in.readNBytes(MAX_BODY + 1);
    } catch (IOException e) {
      // The client went away or sent a broken body: its fault, not the plugin's, so no error log.
      throw new BadRequestException(400, "request body cannot be read: " + e.getMessage(), e);
    }
    if (body.length > MAX_BODY) {
      throw tooLarge("more than " + MAX_BODY + " bytes");
    }
    return body;
  }

  private static BadRequestException tooLarge(String size) {
    return new BadRequestException(413, "request body of " + size + " is larger than the " + MAX_BODY
        + " bytes a plugin call may take");
  }

  /** A path or method from the socket, cut short and stripped of control characters for messages. */
  private static String printable(String s) {
    String cut = s.length() > 200 ? s.substring(0, 200) + "..." : s;
    return cut.codePoints().map(c -> c < 0x20 || c == 0x7f ? '?' : c)
        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
  }
}
