package dev.strata.volume;

import dev.strata.driver.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One record of Go's {@code encoding/csv}, which the docker CLI uses to split {@code --mount}: a
 * field that starts with {@code "} is quoted, {@code ""} inside it is one quote, and a comma
 * inside it does not split ({@code "volume-opt=o=addr=1.2.3.4,rw"}). A quote anywhere else is
 * an error, as with Go's default (non-lazy) reader.
 */
final class CsvFields {

  private CsvFields() {}

  /**
   * Splits {@code line} into fields.
   *
   * @param fail turns a reason into the exception to throw
   */
  static List<String> split(String line, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    List<String> fields = new ArrayList<>();
    int i = 0;
    while (true) {
      StringBuilder field = new StringBuilder();
      if (i < line.length() && line.charAt(i) == '"') {
        i = quoted(line, i + 1, field, fail);
      } else {
        while (i < line.length() && line.charAt(i) != ',') {
          char c = line.charAt(i++);
          if (c == '"') {
            throw fail.apply("bare \" in non-quoted field '" + field + c + "'");
          }
          if (c == '\n' || c == '\r') {
            // Go would end the record here and the CLI would drop the rest without a word.
            throw fail.apply("a line break outside quotes");
          }
          field.append(c);
        }
      }
      fields.add(field.toString());
      if (i >= line.length()) {
        return fields;
      }
      i++; // the comma
    }
  }

  /** Reads a quoted field from just after its opening quote; returns the index after it. */
  private static int quoted(String line, int i, StringBuilder field, Function<String, InvalidArgumentException> fail)
      throws InvalidArgumentException {
    while (i < line.length()) {
      char c = line.charAt(i++);
      if (c != '"') {
        field.append(c);
      } else if (i < line.length() && line.charAt(i) == '"') {
        field.append('"');
        i++;
      } else if (i == line.length() || line.charAt(i) == ',') {
        return i;
      } else {
        throw fail.apply("extraneous or missing \" in quoted field '" + field + "'");
      }
    }
    throw fail.apply("extraneous or missing \" in quoted field '" + field + "'");
  }
}
