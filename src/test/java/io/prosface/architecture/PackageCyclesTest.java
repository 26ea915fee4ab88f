package io.prosface.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * Rooms by role, without imports pointing back up: the server's rooms (http, grpc, v2, auth, inference, finetune,
 * render, health, error, config) depend on each other without a cycle, and so do the packages inside finetune, inside
 * inference and inside core, each package on its own (a room's root package included).
 */
class PackageCyclesTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(new NoTestJars())
            .importPackages("io.prosface");

    @Test
    void serverRoomsAreFreeOfCycles() {
        slices().matching("io.prosface.server.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void fineTuningPackagesAreFreeOfCycles() {
        slices().assignedFrom(packagesUnder("io.prosface.server.finetune"))
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void inferencePackagesAreFreeOfCycles() {
        slices().assignedFrom(packagesUnder("io.prosface.server.inference"))
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    @Test
    void corePackagesAreFreeOfCycles() {
        slices().assignedFrom(packagesUnder("io.prosface.core"))
                .should()
                .beFreeOfCycles()
                .check(classes);
    }

    /** Every package at or below {@code root} is a slice of its own; classes elsewhere are left out. */
    private static SliceAssignment packagesUnder(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String name = javaClass.getPackageName();
                return name.equals(root) || name.startsWith(root + ".")
                        ? SliceIdentifier.of(name)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "packages under " + root;
            }
        };
    }
}
