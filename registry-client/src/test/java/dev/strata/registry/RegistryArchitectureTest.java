package dev.strata.registry;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps dev.strata.registry where docs/architecture.md puts it: on the stores, with a JDK-only surface. */
class RegistryArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.strata");

  @Test
  void storesAndDrivers_doNotDependOnTheRegistry() {
    noClasses().that().resideOutsideOfPackage("dev.strata.registry..")
        .and().resideOutsideOfPackage("dev.strata.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.registry..")
        .check(CLASSES);
  }

  @Test
  void registryPublicSignatures_useJdkAndStrataTypesOnly() {
    methods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideInAPackage("dev.strata.registry")
        .should(new ArchCondition<JavaMethod>("use only JDK and Strata types in their signature") {
          @Override
          public void check(JavaMethod method, ConditionEvents events) {
            List<JavaClass> types = new ArrayList<>(method.getRawParameterTypes());
            types.add(method.getRawReturnType());
            for (JavaClass type : types) {
              JavaClass base = type.getBaseComponentType();
              String name = base.getName();
              if (!base.isPrimitive() && !name.startsWith("java.") && !name.startsWith("dev.strata.")) {
                events.add(SimpleConditionEvent.violated(method, method.getFullName() + " exposes " + name));
              }
            }
          }
        })
        .check(CLASSES);
  }
}
