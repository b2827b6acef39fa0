package dev.strata.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Holds all of Strata's main code to docs/architecture.md: no package cycles anywhere, every
 * module where its row of the module table puts it and depending only on the modules the row
 * lists (and the poms agree), library signatures free of third-party and internal types, and each
 * module's public API exactly what the page lists.
 */
class ArchitectureTest {

  /** The reactor root: this module's parent directory. */
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  /**
   * Test support and benchmarks: their public signatures are JUnit's and JMH's by design, and
   * JMH needs every benchmark class public, so they keep no public-API list.
   */
  private static final Set<String> NOT_LIBRARIES = Set.of("conformance", "test-fixtures", "benchmarks");

  /**
   * Every module's main classes, from its own {@code target/classes}: not from the class path,
   * where the command's and the benchmarks' {@code lib/} copies of the other modules' jars would
   * make a class seem to live in two places.
   */
  private static final JavaClasses CLASSES = importMainClasses();

  private static final Pattern LOCATION = Pattern.compile("/([a-z0-9-]+)/target/classes/");

  private final ArchitectureDoc doc = ArchitectureDoc.read(ROOT.resolve("docs/architecture.md"));

  ArchitectureTest() throws IOException {}

  @Test
  void packages_haveNoCyclesAnywhere() {
    SlicesRuleDefinition.slices().matching("dev.strata.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  /**
   * Inside {@code layer-store}, as the page's Images, Volumes and Store check sections draw it:
   * layers know nothing of images, containers sit on top of layers, images and volumes, and only
   * the command and its web console use the store check.
   */
  @Test
  void layerStorePackages_layerAsThePageDraws() {
    noClasses().that().resideInAPackage("dev.strata.layer..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.image..")
        .check(CLASSES);
    noClasses().that().resideInAnyPackage("dev.strata.layer..", "dev.strata.image..", "dev.strata.volume..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.container..")
        .check(CLASSES);
    noClasses().that().resideOutsideOfPackages("dev.strata.check..", "dev.strata.cli..", "dev.strata.console..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.check..")
        .check(CLASSES);
  }

  @Test
  void moduleTable_listsEveryModuleOfTheBuild() throws IOException {
    String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
    Set<String> built = new TreeSet<>(all(Pattern.compile("<module>([^<]+)</module>"), pom));
    built.remove("interop-tests"); // tests only: no main code to place
    built.remove("architecture"); // this module: tests only
    assertEquals(built, new TreeSet<>(doc.modules().keySet()), "modules in pom.xml vs rows of the module table");
  }

  @Test
  void everyClass_livesInTheModuleItsPackageRowNames() {
    Set<String> wrong = new TreeSet<>();
    for (JavaClass c : CLASSES) {
      String actual = actualModule(c);
      String listed;
      try {
        listed = doc.moduleOf(c.getPackageName());
      } catch (IllegalArgumentException e) {
        wrong.add(c.getPackageName() + " (in " + actual + ") is in no row of the module table");
        continue;
      }
      if (!listed.equals(actual)) {
        wrong.add(c.getPackageName() + " is listed under " + listed + " but lives in " + actual);
      }
    }
    assertEquals(Set.of(), wrong);
  }

  @Test
  void everyModule_dependsOnlyOnItselfAndTheModulesItsRowLists() {
    Set<String> violations = new TreeSet<>();
    for (JavaClass c : CLASSES) {
      String from = doc.moduleOf(c.getPackageName());
      Set<String> allowed = new HashSet<>(doc.modules().get(from).dependsOn());
      allowed.add(from);
      for (Dependency d : c.getDirectDependenciesFromSelf()) {
        JavaClass target = d.getTargetClass().getBaseComponentType();
        if (!target.getPackageName().startsWith("dev.strata.")) {
          continue;
        }
        String to = doc.moduleOf(target.getPackageName());
        if (!allowed.contains(to)) {
          violations.add(from + " -> " + to + " (" + c.getName() + " uses " + target.getName() + ")");
        }
      }
    }
    assertEquals(Set.of(), violations, "dependencies the module table does not list");
  }

  @Test
  void moduleTable_dependsOnMatchesEachPomsCompileDependencies() throws IOException {
    Map<String, Set<String>> inPoms = new TreeMap<>();
    Map<String, Set<String>> inDoc = new TreeMap<>();
    Pattern dependency = Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);
    for (ArchitectureDoc.Module m : doc.modules().values()) {
      String pom = Files.readString(ROOT.resolve(m.name()).resolve("pom.xml"), StandardCharsets.UTF_8);
      Set<String> deps = new TreeSet<>();
      for (String d : all(dependency, pom)) {
        boolean strata = d.contains("<groupId>dev.strata</groupId>");
        boolean compile = !d.contains("<scope>") || d.contains("<scope>compile</scope>");
        if (strata && compile && !d.contains("<type>test-jar</type>")) {
          deps.addAll(all(Pattern.compile("<artifactId>([^<]+)</artifactId>"), d));
        }
      }
      inPoms.put(m.name(), deps);
      inDoc.put(m.name(), m.dependsOn());
    }
    assertEquals(inPoms, inDoc, "Strata compile dependencies: each pom.xml vs the module table");
  }

  /**
   * A library's API (the public and protected members of the public types in the packages it
   * exports to everyone) speaks only in JDK types and Strata's own public API: no jnr,
   * commons-compress, Jackson or Caffeine type, and no type of a package exported only to
   * Strata's modules ({@code posix}, {@code files}, {@code json}), which users cannot name.
   */
  @Test
  void librarySignatures_useOnlyJdkTypesAndStrataPublicApi() throws IOException {
    Set<String> api = new HashSet<>();
    for (ArchitectureDoc.Module m : doc.modules().values()) {
      if (!NOT_LIBRARIES.contains(m.name())) {
        api.addAll(exportedPackages(m));
      }
    }
    Set<String> leaks = new TreeSet<>();
    for (JavaClass c : CLASSES) {
      if (!api.contains(c.getPackageName()) || !isApi(c)) {
        continue;
      }
      for (JavaCodeUnit unit : c.getCodeUnits()) {
        if (isApiMember(unit.getModifiers())) {
          Set<JavaClass> types = new HashSet<>(unit.getAllInvolvedRawTypes());
          types.addAll(unit.getThrowsClause().getTypes());
          for (JavaClass t : types) {
            check(t, api, unit.getFullName(), leaks);
          }
        }
      }
      for (JavaField f : c.getFields()) {
        if (isApiMember(f.getModifiers())) {
          f.getType().getAllInvolvedRawTypes().forEach(t -> check(t, api, f.getFullName(), leaks));
        }
      }
    }
    assertEquals(Set.of(), leaks, "types users cannot name in public signatures");
  }

  @Test
  void publicApi_isExactlyWhatThePageLists() throws IOException {
    Map<String, ArchitectureDoc.Api> actual = new TreeMap<>();
    for (ArchitectureDoc.Module m : doc.modules().values()) {
      if (NOT_LIBRARIES.contains(m.name())) {
        continue;
      }
      Set<String> exported = exportedPackages(m);
      Set<String> types = new TreeSet<>();
      for (JavaClass c : CLASSES) {
        if (exported.contains(c.getPackageName()) && c.isTopLevelClass()
            && c.getModifiers().contains(JavaModifier.PUBLIC) && !c.getSimpleName().contains("-")) {
          types.add(c.getSimpleName());
        }
      }
      actual.put(m.name(), new ArchitectureDoc.Api(m.name(), exported, types));
    }
    Set<String> differences = new TreeSet<>();
    Set<String> modules = new TreeSet<>(actual.keySet());
    modules.addAll(doc.apis().keySet());
    for (String module : modules) {
      ArchitectureDoc.Api is = actual.get(module);
      ArchitectureDoc.Api listed = doc.apis().get(module);
      if (is == null || listed == null) {
        differences.add(module + ": " + (is == null ? "listed, but not a library module" : "not listed"));
        continue;
      }
      differences.addAll(difference(module + " exports, but the page does not list", is.packages(), listed.packages()));
      differences.addAll(difference(module + " lists, but does not export", listed.packages(), is.packages()));
      differences.addAll(difference(module + " has the public type, but the page does not list", is.types(), listed.types()));
      differences.addAll(difference(module + " lists, but has no public type", listed.types(), is.types()));
    }
    assertEquals(Set.of(), differences, "each module's exported packages and public types vs the Public API list");
  }

  /**
   * The packages a module exports to everyone: its module descriptor's unqualified exports, or
   * every package of a module without one (an application, or test support).
   */
  private static Set<String> exportedPackages(ArchitectureDoc.Module m) throws IOException {
    Path descriptor = ROOT.resolve(m.name()).resolve("src/main/java/module-info.java");
    if (!Files.exists(descriptor)) {
      return m.packages();
    }
    String text = Files.readString(descriptor, StandardCharsets.UTF_8)
        .replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    return new TreeSet<>(all(Pattern.compile("\\bexports\\s+([\\w.]+)\\s*;"), text));
  }

  private static Set<String> difference(String what, Set<String> these, Set<String> butNot) {
    Set<String> d = new TreeSet<>();
    for (String x : these) {
      if (!butNot.contains(x)) {
        d.add(what + " " + x);
      }
    }
    return d;
  }

  private static JavaClasses importMainClasses() {
    List<Path> dirs = new ArrayList<>();
    try {
      String pom = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
      for (String module : all(Pattern.compile("<module>([^<]+)</module>"), pom)) {
        Path classes = ROOT.resolve(module).resolve("target/classes");
        if (Files.isDirectory(classes.resolve("dev/strata"))) {
          dirs.add(classes);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build's modules from pom.xml", e);
    }
    // The command compiles picocli into its own classes; that is not Strata's code.
    return new ClassFileImporter().importPaths(dirs).that(JavaClass.Predicates.resideInAPackage("dev.strata.."));
  }

  /** A type outside code can name: public, and nested only in public types. */
  private static boolean isApi(JavaClass c) {
    for (JavaClass k = c; k != null; k = k.getEnclosingClass().orElse(null)) {
      if (!k.getModifiers().contains(JavaModifier.PUBLIC)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isApiMember(Set<JavaModifier> modifiers) {
    return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
  }

  private static void check(JavaClass type, Set<String> api, String where, Set<String> leaks) {
    JavaClass base = type.getBaseComponentType();
    boolean ok = base.isPrimitive() || base.getName().startsWith("java.") || api.contains(base.getPackageName());
    if (!ok) {
      leaks.add(where + " exposes " + base.getName());
    }
  }

  private static String actualModule(JavaClass c) {
    String uri = c.getSource().map(s -> s.getUri().toString()).orElse("");
    Matcher m = LOCATION.matcher(uri);
    return m.find() ? m.group(1) : "an unknown place (" + uri + ")";
  }

  private static List<String> all(Pattern p, String text) {
    List<String> found = new ArrayList<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
