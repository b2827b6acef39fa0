package dev.strata.console;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /api/events}: server-sent events telling the pages that the root changed. The server
 * polls a {@link ChangeWatch} (two small file reads while nothing changes) and sends a {@code
 * change} event when its token moves, whichever process moved it: a {@code strata load} in another
 * terminal shows on the page without a reload.
 *
 * <p>Each stream holds one of the server's threads, so only {@value #MAX_STREAMS} run at once (a tab
 * closed is noticed at the next keep-alive, within {@link #KEEP_ALIVE}) and
 * each ends after {@link #LIFETIME} (browsers reconnect by themselves); all end when the console stops.
 */
final class EventStream {

  static final int MAX_STREAMS = 8;
  private static final Duration POLL = Duration.ofMillis(250);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(5);
  private static final Duration LIFETIME = Duration.ofMinutes(10);

  private final ChangeWatch watch;
  private final AtomicInteger open = new AtomicInteger();
  private volatile boolean stopping;

  EventStream(ChangeWatch watch) {
    this.watch = watch;
  }

  /** Ends every stream within one poll; called as the console stops. */
  void stop() {
    stopping = true;
  }

  void serve(Response response, Callback callback) throws ApiException {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      throw new ApiException(503, MAX_STREAMS + " event streams are open already; close a console tab, "
          + "or poll /api/generation");
    }
    try {
      response.setStatus(200);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
      response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
      long end = System.nanoTime() + LIFETIME.toNanos();
      long quietSince = System.nanoTime();
      String sent = null;
      while (!stopping && System.nanoTime() < end) {
        String generation = watch.token();
        if (!generation.equals(sent)) {
          write(response, "event: change\ndata: {\"generation\":\"" + generation + "\"}\n\n");
          sent = generation;
          quietSince = System.nanoTime();
        } else if (System.nanoTime() - quietSince > KEEP_ALIVE.toNanos()) {
          // A comment line: proxies and the browser see the stream is alive.
          write(response, ": keep-alive\n\n");
          quietSince = System.nanoTime();
        }
        Thread.sleep(POLL.toMillis());
      }
      response.write(true, ByteBuffer.allocate(0), callback);
    } catch (IOException e) {
      // The browser went away (a closed tab, a reload): the usual end of a stream, not an error.
      callback.failed(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      callback.failed(e);
    } finally {
      open.decrementAndGet();
    }
  }

  private static void write(Response response, String event) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(false, ByteBuffer.wrap(Answers.utf8(event)), written);
      written.block();
    }
  }
}
