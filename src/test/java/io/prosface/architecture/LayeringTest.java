package io.prosface.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** core is pure DJL + JDK: the offline trainer compiles it alone, and the server only adapts it. */
class LayeringTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.prosface");

    @Test
    void coreDependsOnlyOnTheJdkAndDjl() {
        classes().that().resideInAPackage("io.prosface.core..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("io.prosface.core..", "java..", "javax.imageio..", "ai.djl..",
                        "com.google.gson..")
                .because("core must stay pure DJL + JDK (Gson comes with DJL's api) so training/ can compile it without the server")
                .check(classes);
    }
}
