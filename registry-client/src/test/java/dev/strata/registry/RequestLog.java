package dev.strata.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every request a {@link FakeRegistry} received, in arrival order, so tests can assert protocol
 * behaviour: "HEAD before the upload", "blob fetched once", "no Authorization header sent to the
 * redirect target".
 */
public final class RequestLog {

  private final List<RecordedRequest> requests = new ArrayList<>();

  synchronized void add(RecordedRequest request) {
    requests.add(request);
  }

  public synchronized List<RecordedRequest> all() {
    return List.copyOf(requests);
  }

  /** Requests with exactly this method and path. */
  public synchronized long count(String method, String path) {
    return requests.stream().filter(r -> r.method().equals(method) && r.path().equals(path)).count();
  }

  /** Requests whose {@link RecordedRequest#line()} ({@code "METHOD /path"}) contains a match of {@code regex}. */
  public synchronized List<RecordedRequest> matching(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return requests.stream().filter(r -> pattern.matcher(r.line()).find()).toList();
  }

  /** Index of the first request matching {@code regex}, or -1: for ordering assertions. */
  public synchronized int indexOf(String regex) {
    Pattern pattern = Pattern.compile(regex);
    for (int i = 0; i < requests.size(); i++) {
      if (pattern.matcher(requests.get(i).line()).find()) {
        return i;
      }
    }
    return -1;
  }

  public synchronized void clear() {
    requests.clear();
  }
}
