package dev.strata.image;

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

/**
 * Keeps the layer store's packages where docs/architecture.md puts them: images on top of layers,
 * containers on top of both and of volumes, volumes on driver-api alone; JDK-only public surfaces.
 */
class ImageArchitectureTest {

  private static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.strata.layer", "dev.strata.image", "dev.strata.container", "dev.strata.volume",
          "dev.strata.check");

  @Test
  void layerStore_doesNotDependOnImages() {
    noClasses().that().resideInAPackage("dev.strata.layer..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.image..")
        .check(CLASSES);
  }

  @Test
  void layersImagesAndVolumes_doNotDependOnContainers() {
    noClasses().that().resideInAnyPackage("dev.strata.layer..", "dev.strata.image..", "dev.strata.volume..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.container..")
        .check(CLASSES);
  }

  @Test
  void nothingInTheLayerStore_dependsOnCheck() {
    noClasses().that().resideInAnyPackage("dev.strata.layer..", "dev.strata.image..", "dev.strata.container..",
            "dev.strata.volume..")
        .should().dependOnClassesThat().resideInAPackage("dev.strata.check..")
        .check(CLASSES);
  }

  @Test
  void volumes_dependOnNothingOfTheLayerStore() {
    noClasses().that().resideInAPackage("dev.strata.volume..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.strata.layer..", "dev.strata.image..")
        .check(CLASSES);
  }

  @Test
  void imagePublicSignatures_useJdkAndStrataTypesOnly() {
    methods().that().arePublic().and().areDeclaredInClassesThat().arePublic()
        .and().areDeclaredInClassesThat().resideInAnyPackage("dev.strata.image", "dev.strata.container", "dev.strata.volume",
            "dev.strata.check")
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
