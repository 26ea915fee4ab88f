package io.prosface.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * core is pure DJL + JDK (its own Maven module, which cannot see the server, so the compiler already refuses an import
 * of it; this also keeps third-party libraries out), and the server only adapts it, never drawing synthetic faces.
 */
class LayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new NoTestJars())
            .importPackages("io.prosface");

    @Test
    void coreDependsOnlyOnTheJdkAndDjl() {
        classes()
                .that()
                .resideInAPackage("io.prosface.core..")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("io.prosface.core..", "java..", "javax.imageio..", "ai.djl..", "com.google.gson..")
                .because(
                        "core must stay pure DJL + JDK (Gson comes with DJL's api) so training/ can compile it without the server")
                .check(classes);
    }

    @Test
    void theServerNeverUsesTheSyntheticFaceRenderer() {
        noClasses()
                .that()
                .resideInAPackage("io.prosface.server..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.prosface.core.synthetic..")
                .because("synthetic faces are for training, load tests and tests; the served model sees real photos")
                .check(classes);
    }
}
