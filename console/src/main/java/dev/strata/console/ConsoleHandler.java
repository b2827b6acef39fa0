package dev.strata.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.driver.error.AlreadyExistsException;
import dev.strata.driver.error.FailedPreconditionException;
import dev.strata.driver.error.InvalidArgumentException;
import dev.strata.driver.error.NotFoundException;
import dev.strata.driver.error.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Every request: the pages (one shell, with the session token), the files, and the API, whose
 * failures are all JSON {@code {"error": ...}} with a status saying whose fault it was.
 */
final class ConsoleHandler extends Handler.Abstract {

  /** No action takes a body; anything past this is refused before it is read. */
  static final int MAX_BODY = 4096;
  /** Ids and names are short; a longer path is refused before it is split. */
  static final int MAX_PATH = 512;

  private static final System.Logger LOG = System.getLogger(ConsoleHandler.class.getName());

  private final Api api;
  private final Assets assets;
  private final Csrf csrf = new Csrf();
  private final HostCheck hosts;
  private final EventStream events;

  ConsoleHandler(Api api, Assets assets, HostCheck hosts, EventStream events) {
    // Blocking: the stores wait for their locks and walk directories.
    super(InvocationType.BLOCKING);
    this.api = api;
    this.assets = assets;
    this.hosts = hosts;
    this.events = events;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    try {
      hosts.verify(request.getHeaders().get(HttpHeader.HOST));
      if (path.length() > MAX_PATH) {
        throw new ApiException(414, "request path of " + path.length() + " characters is longer than the "
            + MAX_PATH + " the console takes");
      }
      Optional<Assets.Asset> file = assets.file(path);
      if (file.isPresent()) {
        getOnly(method);
        Answers.send(response, 200, file.get().contentType(), file.get().body(), callback);
        return true;
      }
      if (path.equals("/api/events")) {
        getOnly(method);
        events.serve(response, callback);
        return true;
      }
      if (path.startsWith("/api/") || path.equals("/api")) {
        api(request, response, callback, method, path);
        return true;
      }
      if (Assets.PAGES.contains(path)) {
        getOnly(method);
        csrf.issue(request, response);
        Answers.send(response, 200, assets.shell().contentType(), assets.shell().body(), callback);
        return true;
      }
      throw new ApiException(404, "no page " + Answers.printable(path) + "; the console's pages are "
          + String.join(", ", Assets.PAGES.stream().sorted().toList()));
    } catch (ApiException e) {
      refuse(response, e, callback);
    }
    return true;
  }

  private void api(Request request, Response response, Callback callback, String method, String path)
      throws ApiException {
    if (Api.isAction(method)) {
      if (request.getLength() > MAX_BODY) {
        throw new ApiException(413, "request body of " + request.getLength() + " bytes; actions take at most "
            + MAX_BODY);
      }
      if (!api.readOnly()) {
        csrf.verify(request);
      }
    }
    if ("GET".equals(method)) {
      // /api/info is what the pages read first: it starts the session as a page load does.
      csrf.issue(request, response);
    }
    List<String> segments = path.length() <= 5 ? List.of()
        : Arrays.asList(path.substring(5).split("/", -1));
    JsonNode answer;
    try {
      answer = api.answer(method, segments);
    } catch (NotFoundException e) {
      throw new ApiException(404, e.getMessage());
    } catch (InvalidArgumentException e) {
      throw new ApiException(400, e.getMessage());
    } catch (FailedPreconditionException | AlreadyExistsException e) {
      throw new ApiException(409, e.getMessage());
    } catch (StorageException e) {
      LOG.log(System.Logger.Level.ERROR, "console " + method + " " + path + " failed", e);
      throw new ApiException(500, e.getMessage());
    } catch (IOException | UncheckedIOException e) {
      LOG.log(System.Logger.Level.ERROR, "console " + method + " " + path + " failed", e);
      throw new ApiException(500, "reading the root failed: " + e.getMessage());
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.ERROR, "console " + method + " " + path + " failed", e);
      throw new ApiException(500, "internal error: " + e + " (see the server's log)");
    }
    Answers.json(response, 200, answer, callback);
  }

  private static void getOnly(String method) throws ApiException {
    if (!"GET".equals(method) && !"HEAD".equals(method)) {
      throw new Api.MethodNotAllowed("GET", method);
    }
  }

  private static void refuse(Response response, ApiException e, Callback callback) {
    if (e instanceof Api.MethodNotAllowed m) {
      response.getHeaders().put(HttpHeader.ALLOW, m.allowed());
    }
    Answers.json(response, e.status(), Answers.error(e.getMessage()), callback);
  }
}
