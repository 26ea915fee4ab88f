package io.prosface.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** detect is shared by the server and training's curate: JDK + OpenCV only, so both builds can compile it. */
class DetectLayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new NoTestJars())
            .importPackages("io.prosface.detect");

    @Test
    void detectDependsOnlyOnTheJdkAndOpenCv() {
        classes()
                .that()
                .resideInAPackage("io.prosface.detect..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.prosface.detect..", "java..", "org.opencv..", "nu.pattern..")
                .because("training/ compiles detect next to core without the server, Quarkus or DJL")
                .check(classes);
    }
}
