package io.prosface.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * REST ({@code server.http}) and gRPC ({@code server.grpc}) are two adapters over the same services: neither calls
 * the other, and what both need (analysis calls, head names and versions) lives in the neutral packages they adapt,
 * which depend on neither.
 */
class TransportsTest {

    private static final String HTTP = "io.prosface.server.http..";
    private static final String GRPC = "io.prosface.server.grpc..";

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new NoTestJars())
            .importPackages("io.prosface.server");

    @Test
    void restDoesNotDependOnGrpc() {
        noClasses()
                .that()
                .resideInAPackage(HTTP)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(GRPC)
                .because("the REST adapter calls the services, not the gRPC adapter; move shared pieces to a neutral "
                        + "package")
                .check(classes);
    }

    @Test
    void grpcDoesNotDependOnRest() {
        noClasses()
                .that()
                .resideInAPackage(GRPC)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(HTTP)
                .because("the gRPC adapter calls the services, not the REST adapter; move shared pieces to a neutral "
                        + "package")
                .check(classes);
    }

    @Test
    void theServicesDependOnNoTransport() {
        noClasses()
                .that()
                .resideInAnyPackage("io.prosface.server.inference..", "io.prosface.server.finetune..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(HTTP, GRPC, "io.prosface.server.v2..")
                .because("inference and fine-tuning are what the transports adapt")
                .check(classes);
    }
}
