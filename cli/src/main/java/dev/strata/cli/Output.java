package dev.strata.cli;

import dev.strata.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints a listing as an aligned table or as JSON (an array of objects with the same keys), so
 * every listing supports {@code --format json} the same way.
 */
final class Output {

  private final PrintWriter out;
  private final StrataCommand.Format format;

  Output(PrintWriter out, StrataCommand.Format format) {
    this.out = out;
    this.format = format;
  }

  /** Rows are ordered maps of column name to value; the first row's keys are the columns. */
  void table(List<String> columns, List<Map<String, Object>> rows) throws IOException {
    if (format == StrataCommand.Format.json) {
      List<Map<String, Object>> json = new ArrayList<>();
      for (Map<String, Object> row : rows) {
        json.add(new LinkedHashMap<>(row));
      }
      out.println(Json.prettyString(json));
      out.flush();
      return;
    }
    int[] widths = new int[columns.size()];
    for (int i = 0; i < columns.size(); i++) {
      widths[i] = columns.get(i).length();
      for (Map<String, Object> row : rows) {
        widths[i] = Math.max(widths[i], String.valueOf(row.get(columns.get(i))).length());
      }
    }
    printRow(columns.stream().map(c -> (Object) c.toUpperCase().replace('_', ' ')).toList(), widths);
    for (Map<String, Object> row : rows) {
      printRow(columns.stream().map(row::get).toList(), widths);
    }
    out.flush();
  }

  private void printRow(List<Object> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = String.valueOf(cells.get(i));
      line.append(cell);
      if (i < cells.size() - 1) {
        line.append(" ".repeat(widths[i] - cell.length() + 3));
      }
    }
    out.println(line.toString().stripTrailing());
  }

  /** Human-readable size as Docker prints it (1000-based, like {@code docker images}). */
  static String size(long bytes) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double v = bytes;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? bytes + "B" : String.format(java.util.Locale.ROOT, "%.3g%s", v, units[u]);
  }
}
