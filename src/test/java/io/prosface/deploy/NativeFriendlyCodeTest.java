package io.prosface.deploy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.prosface.architecture.NoTestJars;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Keeps the product code free of what a native image rejects or needs metadata for: reflective lookups by name,
 * dynamic proxies, runtime class definition and bytecode generators. Gson/Jackson reflection inside libraries is
 * out of this rule's reach: register such classes in
 * META-INF/native-image/io.prosface/pros-face-server/reflect-config.json. Generated gRPC/protobuf code is excluded
 * (Quarkus registers it for native builds itself).
 */
class NativeFriendlyCodeTest {
    /** Owner class -> methods that resolve or create code at run time. */
    private static final Map<String, Set<String>> FORBIDDEN_CALLS = Map.of(
            "java.lang.Class",
                    Set.of(
                            "forName",
                            "getDeclaredMethod",
                            "getDeclaredMethods",
                            "getDeclaredField",
                            "getDeclaredFields",
                            "getDeclaredConstructor",
                            "getDeclaredConstructors",
                            "getMethod",
                            "getMethods",
                            "getField",
                            "getFields",
                            "getConstructor",
                            "getConstructors",
                            "newInstance"),
            "java.lang.reflect.Proxy", Set.of("newProxyInstance", "getProxyClass"),
            "java.lang.ClassLoader", Set.of("defineClass", "loadClass"),
            "java.lang.invoke.MethodHandles$Lookup",
                    Set.of(
                            "defineClass",
                            "defineHiddenClass",
                            "findVirtual",
                            "findStatic",
                            "findConstructor",
                            "findGetter",
                            "findSetter",
                            "findStaticGetter",
                            "findStaticSetter"),
            "java.net.URLClassLoader", Set.of("<init>", "newInstance"));

    private static final DescribedPredicate<JavaCall<?>> RESOLVES_CODE_AT_RUN_TIME = DescribedPredicate.describe(
            "resolve or create code at run time (reflection by name, proxies, class definition)",
            call -> FORBIDDEN_CALLS
                    .getOrDefault(call.getTargetOwner().getName(), Set.of())
                    .contains(call.getName()));

    private static final DescribedPredicate<JavaClass> HAND_WRITTEN = DescribedPredicate.describe(
            "are hand-written",
            type -> !isGenerated(type)
                    && type.getEnclosingClass()
                            .map(enclosing -> !isGenerated(enclosing))
                            .orElse(true));

    private static boolean isGenerated(JavaClass type) {
        return List.of(
                                "javax.annotation.processing.Generated",
                                "jakarta.annotation.Generated",
                                "javax.annotation.Generated",
                                "io.grpc.stub.annotations.GrpcGenerated")
                        .stream()
                        .anyMatch(type::isAnnotatedWith)
                || type.isAssignableTo("com.google.protobuf.MessageLiteOrBuilder")
                || type.isAssignableTo("com.google.protobuf.ProtocolMessageEnum");
    }

    /**
     * Catches: product code that would need reflection metadata nobody wrote, or that cannot work in a native image.
     */
    @Test
    void productCodeResolvesNoCodeAtRunTime() {
        JavaClasses product = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(new NoTestJars())
                .importPackages("io.prosface");
        noClasses()
                .that(HAND_WRITTEN)
                .should()
                .callCodeUnitWhere(RESOLVES_CODE_AT_RUN_TIME)
                .orShould()
                .dependOnClassesThat()
                .resideInAnyPackage("net.bytebuddy..", "javassist..", "net.sf.cglib..", "org.objectweb.asm..")
                .because(
                        "native images need every reflective target registered at build time (k8s/README.md, 'Native build')")
                .check(product);
    }
}
