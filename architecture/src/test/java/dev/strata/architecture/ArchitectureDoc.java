package dev.strata.architecture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docs/architecture.md says, read from its text: the module table (each module's packages and
 * the Strata modules it depends on) and the public API list (each module's exported packages and
 * public types). {@link ArchitectureTest} holds the code to it, so the page stays true.
 */
record ArchitectureDoc(Map<String, Module> modules, Map<String, Api> apis) {

  /** A row of the module table. */
  record Module(String name, Set<String> packages, Set<String> dependsOn) {}

  /** A line of the public API list: the packages a module exports to everyone and their public types. */
  record Api(String module, Set<String> packages, Set<String> types) {}

  private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

  static ArchitectureDoc read(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    List<String[]> rows = new ArrayList<>();
    for (String line : section(lines, "## Modules")) {
      if (line.startsWith("| `")) {
        rows.add(line.substring(1, line.lastIndexOf('|')).split("\\|"));
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (String[] row : rows) {
      names.add(ticked(row[0]).get(0));
    }
    Map<String, Module> modules = new LinkedHashMap<>();
    for (String[] row : rows) {
      String name = ticked(row[0]).get(0);
      Set<String> deps = new TreeSet<>(ticked(row[2]));
      deps.retainAll(names);
      modules.put(name, new Module(name, new TreeSet<>(ticked(row[1])), deps));
    }
    Map<String, Api> apis = new LinkedHashMap<>();
    for (String line : section(lines, "## Public API")) {
      if (line.startsWith("- `")) {
        List<String> tokens = ticked(line);
        Set<String> packages = new TreeSet<>();
        Set<String> types = new TreeSet<>();
        for (String t : tokens.subList(1, tokens.size())) {
          if (t.startsWith("dev.strata")) {
            packages.add(t);
          } else if (Character.isUpperCase(t.charAt(0))) {
            types.add(t);
          }
        }
        apis.put(tokens.get(0), new Api(tokens.get(0), packages, types));
      }
    }
    return new ArchitectureDoc(modules, apis);
  }

  /** The module whose row lists {@code pkg}. */
  String moduleOf(String pkg) {
    for (Module m : modules.values()) {
      if (m.packages().contains(pkg)) {
        return m.name();
      }
    }
    throw new IllegalArgumentException("package " + pkg + " is in no row of the module table");
  }

  private static List<String> section(List<String> lines, String heading) {
    int start = lines.indexOf(heading);
    if (start < 0) {
      throw new IllegalStateException("docs/architecture.md has no '" + heading + "' section");
    }
    List<String> body = new ArrayList<>();
    for (String line : lines.subList(start + 1, lines.size())) {
      if (line.startsWith("## ")) {
        break;
      }
      body.add(line);
    }
    return body;
  }

  private static List<String> ticked(String text) {
    List<String> found = new ArrayList<>();
    Matcher m = TICKED.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
