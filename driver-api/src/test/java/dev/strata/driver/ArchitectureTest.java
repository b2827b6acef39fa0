package dev.strata.driver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.Test;

/** Keeps the package graph of docs/architecture.md true for driver-api. */
class ArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.strata");

  @Test
  void packages_haveNoCycles() {
    SlicesRuleDefinition.slices().matching("dev.strata.(**)").should().beFreeOfCycles().check(CLASSES);
  }

  @Test
  void archive_doesNotDependOnTheSpi() {
    noClasses().that().resideInAPackage("dev.strata.archive..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.driver")
        .check(CLASSES);
  }

  @Test
  void nativeAndErrorPackages_dependOnNothingAboveThem() {
    noClasses().that().resideInAnyPackage("dev.strata.driver.posix..", "dev.strata.driver.error..", "dev.strata.files..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.strata.driver", "dev.strata.archive..")
        .check(CLASSES);
  }

  @Test
  void publicSignatures_useJdkAndStrataTypesOnly() {
    methods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
        .should(useOnlyJdkAndStrataTypes())
        .check(CLASSES);
  }

  private static ArchCondition<JavaMethod> useOnlyJdkAndStrataTypes() {
    return new ArchCondition<>("use only JDK and Strata types in their signature") {
      @Override
      public void check(JavaMethod method, ConditionEvents events) {
        List<JavaClass> types = new ArrayList<>(method.getRawParameterTypes());
        types.add(method.getRawReturnType());
        for (JavaClass type : types) {
          String name = type.getBaseComponentType().getName();
          boolean ok = type.getBaseComponentType().isPrimitive()
              || name.startsWith("java.") || name.startsWith("dev.strata.");
          if (!ok) {
            events.add(SimpleConditionEvent.violated(method,
                method.getFullName() + " exposes " + name));
          }
        }
      }
    };
  }
}
