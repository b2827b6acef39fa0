package dev.strata.snapshotter;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The part of containerd's filter syntax that {@code List} honours: selectors joined by {@code ,}
 * (all must hold) of the form {@code FIELD==VALUE}, {@code FIELD!=VALUE} or a bare {@code FIELD}
 * (present), where FIELD is {@code name}, {@code parent}, {@code kind} or {@code labels.KEY} and
 * KEY or VALUE may be double-quoted. A request's filters are alternatives (any may hold); no
 * filters match everything. Anything else, the regular-expression operator {@code ~=} included, is
 * refused as an invalid argument rather than silently matching too much.
 */
final class ListFilter {

  static final int MAX_FILTER_BYTES = 4096;

  private record Selector(String field, Optional<String> label, String op, String value) {}

  private final List<List<Selector>> alternatives;

  private ListFilter(List<List<Selector>> alternatives) {
    this.alternatives = alternatives;
  }

  static ListFilter parse(List<String> filters) throws InvalidArgumentException {
    List<List<Selector>> alternatives = new ArrayList<>();
    for (String f : filters) {
      if (f.length() > MAX_FILTER_BYTES) {
        throw new InvalidArgumentException("filter", "filter is " + f.length() + " characters; at most "
            + MAX_FILTER_BYTES + " are accepted");
      }
      alternatives.add(new Parser(f).conjunction());
    }
    return new ListFilter(alternatives);
  }

  boolean matches(SnapshotRecord r) {
    if (alternatives.isEmpty()) {
      return true;
    }
    for (List<Selector> all : alternatives) {
      if (all.stream().allMatch(s -> holds(s, r))) {
        return true;
      }
    }
    return false;
  }

  private static boolean holds(Selector s, SnapshotRecord r) {
    Optional<String> actual = switch (s.field()) {
      case "name" -> Optional.of(r.key());
      case "parent" -> r.hasParent() ? Optional.of(r.parent()) : Optional.empty();
      case "kind" -> Optional.of(r.kind().name().toLowerCase());
      default -> Optional.ofNullable(r.labels().get(s.label().orElseThrow()));
    };
    return switch (s.op()) {
      case "" -> actual.isPresent();
      case "==" -> actual.isPresent() && actual.get().equals(s.value());
      default -> actual.isEmpty() || !actual.get().equals(s.value());
    };
  }

  /** A hand-written scanner over one filter string. */
  private static final class Parser {
    private final String text;
    private int pos;

    Parser(String text) {
      this.text = text;
    }

    List<Selector> conjunction() throws InvalidArgumentException {
      List<Selector> selectors = new ArrayList<>();
      do {
        selectors.add(selector());
      } while (accept(","));
      if (pos != text.length()) {
        throw invalid("unexpected '" + text.charAt(pos) + "'");
      }
      return selectors;
    }

    private Selector selector() throws InvalidArgumentException {
      String field = identifier();
      Optional<String> label = Optional.empty();
      if (field.equals("labels")) {
        if (!accept(".")) {
          throw invalid("labels needs a key, as in labels.\"KEY\"==VALUE");
        }
        label = Optional.of(peek() == '"' ? quoted() : identifier());
      } else if (!List.of("name", "parent", "kind").contains(field)) {
        throw invalid("unknown field '" + field + "'; name, parent, kind and labels.KEY are supported");
      }
      String op = accept("==") ? "==" : accept("!=") ? "!=" : "";
      if (op.isEmpty() && peek() == '~') {
        throw invalid("the ~= (regular expression) operator is not supported");
      }
      String value = op.isEmpty() ? "" : peek() == '"' ? quoted() : bare();
      return new Selector(field, label, op, value);
    }

    private String identifier() throws InvalidArgumentException {
      int start = pos;
      while (pos < text.length() && (Character.isLetterOrDigit(text.charAt(pos)) || "_-/".indexOf(text.charAt(pos)) >= 0)) {
        pos++;
      }
      if (start == pos) {
        throw invalid("expected a field name");
      }
      return text.substring(start, pos);
    }

    private String bare() throws InvalidArgumentException {
      int start = pos;
      while (pos < text.length() && ",\"".indexOf(text.charAt(pos)) < 0) {
        pos++;
      }
      if (start == pos) {
        throw invalid("expected a value");
      }
      return text.substring(start, pos);
    }

    private String quoted() throws InvalidArgumentException {
      StringBuilder out = new StringBuilder();
      pos++;
      while (pos < text.length() && text.charAt(pos) != '"') {
        char c = text.charAt(pos++);
        if (c == '\\' && pos < text.length()) {
          c = text.charAt(pos++);
        }
        out.append(c);
      }
      if (pos >= text.length()) {
        throw invalid("unterminated quote");
      }
      pos++;
      return out.toString();
    }

    private char peek() {
      return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private boolean accept(String token) {
      if (text.startsWith(token, pos)) {
        pos += token.length();
        return true;
      }
      return false;
    }

    private InvalidArgumentException invalid(String why) {
      return new InvalidArgumentException("filter", "filter '" + Limits.shorten(text) + "' at "
          + pos + ": " + why);
    }
  }
}
