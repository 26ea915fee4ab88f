package io.prosface.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;

/**
 * What can be checked of the native build without GraalVM: the profile, the resource globs against the real
 * classpath, and the reachability metadata against the real classes and the real JNI libraries.
 */
class NativeImageConfigTest {
    static final Path METADATA = Manifests.REPOSITORY.resolve("src/main/resources/META-INF/native-image/io.prosface");
    /** OpenCV (the face detector's dependency) may not be on this branch's classpath yet. */
    static final boolean OPENCV = ClasspathResources.present("org/opencv/core/Mat.class");

    /** Resources DJL reads at run time (LibUtils, Platform, Engine), CPU and CUDA JNI flavours. */
    static final List<String> DJL_RUNTIME_RESOURCES = List.of(
            "ai/djl/engine/api.properties",
            "pytorch-engine.properties",
            "native/lib/pytorch.properties",
            "jnilib/pytorch.properties",
            "jnilib/linux-x86_64/cpu/libdjl_torch.so",
            "jnilib/linux-x86_64/cu128/libdjl_torch.so",
            "META-INF/services/ai.djl.engine.EngineProvider");

    private static List<String> globStrings(String property) {
        return Arrays.stream(ApplicationSettings.rawProperties()
                        .getProperty(property, "")
                        .split(","))
                .map(String::trim)
                .filter(glob -> !glob.isEmpty())
                .toList();
    }

    private static List<Pattern> globs(String property) {
        return globStrings(property).stream().map(ClasspathResources::glob).toList();
    }

    /** The native profile's dependency:unpack of pytorch-native-cpu: its {@code includes} glob. */
    static String unpackIncludes() {
        Element item = ProjectFiles.path(
                ProjectFiles.profile("native"),
                "build",
                "plugins",
                "plugin",
                "executions",
                "execution",
                "configuration",
                "artifactItems",
                "artifactItem");
        assertEquals("pytorch-native-cpu", ProjectFiles.text(ProjectFiles.child(item, "artifactId")));
        return ProjectFiles.text(ProjectFiles.child(item, "includes"));
    }

    /**
     * Where the native profile leaves libtorch, relative to the repository (the server module builds into
     * server/target).
     */
    static String unpackedLibtorchDirectory() {
        String output = ProjectFiles.text(ProjectFiles.path(
                        ProjectFiles.profile("native"),
                        "build",
                        "plugins",
                        "plugin",
                        "executions",
                        "execution",
                        "configuration",
                        "outputDirectory"))
                .replace("${project.build.directory}", "server/target");
        return output + "/" + unpackIncludes().replaceAll("\\*\\*$", "");
    }

    private static boolean matchesAny(List<Pattern> patterns, String name) {
        return patterns.stream().anyMatch(pattern -> pattern.matcher(name).matches());
    }

    /** Catches: a native profile that no longer switches Quarkus to a native build (property renamed or dropped). */
    @Test
    void nativeProfileBuildsANativeExecutable() {
        Element properties = ProjectFiles.child(ProjectFiles.profile("native"), "properties");
        assertEquals("true", ProjectFiles.text(ProjectFiles.child(properties, "quarkus.native.enabled")));
        assertEquals("false", ProjectFiles.text(ProjectFiles.child(properties, "quarkus.package.jar.enabled")));
        assertEquals(
                "native",
                ProjectFiles.text(ProjectFiles.path(ProjectFiles.profile("native"), "activation", "property", "name")));
    }

    /** Catches: an include glob that matches nothing any more (a renamed resource after a DJL/OpenCV upgrade). */
    @Test
    void everyIncludeGlobMatchesAResource() {
        List<String> globs = new ArrayList<>(globStrings("quarkus.native.resources.includes"));
        globs.addAll(globStrings("quarkus.native.resources.excludes"));
        for (String glob : globs) {
            if (glob.contains("opencv") && !OPENCV) {
                continue; // checked once the detector's OpenCV dependency is merged
            }
            Pattern pattern = ClasspathResources.glob(glob);
            assertTrue(
                    ClasspathResources.all().stream()
                            .anyMatch(name -> pattern.matcher(name).matches()),
                    "matches nothing: " + glob);
        }
    }

    /**
     * Catches: a resource DJL needs at run time left out of the executable (or excluded), e.g. the cu128 JNI library.
     */
    @Test
    void djlRuntimeResourcesAreIncluded() {
        List<Pattern> includes = globs("quarkus.native.resources.includes");
        List<Pattern> excludes = globs("quarkus.native.resources.excludes");
        for (String resource : DJL_RUNTIME_RESOURCES) {
            assertTrue(ClasspathResources.present(resource), "not on the classpath: " + resource);
            assertTrue(matchesAny(includes, resource), "not included: " + resource);
            assertFalse(matchesAny(excludes, resource), "excluded: " + resource);
        }
    }

    /** Catches: libtorch (~450 MB) embedded in the executable after all: a library matched by one of our include globs
     *  or by DJL's own resource-config.json (Quarkus 3.33 deprecates excludes, so nothing may include it). */
    @Test
    void libtorchStaysOutOfTheExecutable() throws IOException {
        List<Pattern> includes = new ArrayList<>(globs("quarkus.native.resources.includes"));
        for (String config : ClasspathResources.all()) {
            if (config.matches("META-INF/native-image/ai/djl/.*/resource-config\\.json")) {
                for (JsonNode resource : new ObjectMapper()
                        .readTree(ClasspathResources.read(config))
                        .path("resources")) {
                    includes.add(Pattern.compile(resource.get("pattern").asText()));
                }
            }
        }
        List<Pattern> excludes = globs("quarkus.native.resources.excludes");
        List<String> libraries = ClasspathResources.all().stream()
                .filter(name -> name.matches("pytorch/.*\\.so(\\.\\d+)*"))
                .toList();
        assertFalse(libraries.isEmpty(), "pytorch-native-cpu must be on the test classpath");
        for (String library : libraries) {
            assertFalse(
                    matchesAny(includes, library) && !matchesAny(excludes, library),
                    "embedded in the executable: " + library);
        }
    }

    /** Catches: the native profile unpacking something other than the bundled libtorch package (DJL needs libtorch.so
     *  and every library pytorch.properties lists in the PYTORCH_LIBRARY_PATH directory). */
    @Test
    void nativeProfileUnpacksTheBundledLibtorch() throws IOException {
        Pattern unpacked = ClasspathResources.glob(unpackIncludes());
        String directory = unpackIncludes().replaceAll("\\*\\*$", "");
        java.util.Properties platform = new java.util.Properties();
        platform.load(new java.io.ByteArrayInputStream(ClasspathResources.read("native/lib/pytorch.properties")));
        List<String> required =
                new ArrayList<>(Arrays.asList(platform.getProperty("libraries").split(",")));
        assertTrue(required.contains("libtorch.so"), required.toString());
        for (String library : required) {
            String resource = directory + library;
            assertTrue(
                    ClasspathResources.present(resource)
                            && unpacked.matcher(resource).matches(),
                    "not unpacked: " + resource);
        }
    }

    /** Catches: DJL's static initialisers (platform probe, native loading) run at image build time. */
    @Test
    void djlInitialisesAtRunTime() {
        String arguments = ApplicationSettings.rawProperties().getProperty("quarkus.native.additional-build-args", "");
        String runtime = Arrays.stream(arguments.split("(?<!\\\\),"))
                .filter(argument -> argument.startsWith("--initialize-at-run-time="))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no --initialize-at-run-time in " + arguments));
        List<String> packages =
                Arrays.asList(runtime.substring(runtime.indexOf('=') + 1).split("\\\\,"));
        assertTrue(packages.contains("ai.djl"), packages.toString());
    }

    /** Catches: metadata naming a class, method or field that does not exist (a typo, or a rename in DJL or our code):
     *  native-image would ignore it with a warning and the executable would fail at the first JNI/reflective call. */
    @TestFactory
    Stream<DynamicTest> metadataNamesRealMembers() throws IOException {
        try (Stream<Path> files = Files.walk(METADATA)) {
            return files.filter(file -> file.toString().endsWith(".json")).sorted().toList().stream()
                    .map(file ->
                            DynamicTest.dynamicTest(METADATA.relativize(file).toString(), () -> {
                                assumeTrue(
                                        !file.toString().contains("opencv") || OPENCV,
                                        "OpenCV is not on this branch's classpath yet");
                                for (JsonNode entry : new ObjectMapper().readTree(file.toFile())) {
                                    Class<?> type = load(entry.get("name").asText());
                                    for (JsonNode method : entry.path("methods")) {
                                        Class<?>[] parameters = new Class<?>
                                                [method.get("parameterTypes").size()];
                                        for (int index = 0; index < parameters.length; index++) {
                                            parameters[index] = load(method.get("parameterTypes")
                                                    .get(index)
                                                    .asText());
                                        }
                                        if (method.get("name").asText().equals("<init>")) {
                                            type.getDeclaredConstructor(parameters);
                                        } else {
                                            findMethod(type, method.get("name").asText(), parameters);
                                        }
                                    }
                                    for (JsonNode field : entry.path("fields")) {
                                        type.getDeclaredField(field.get("name").asText());
                                    }
                                }
                            }));
        }
    }

    /** Catches: a DJL upgrade whose JNI library looks up a Java class our jni-config does not register (the
     *  executable then fails inside libtorch calls): every JVM class name in libdjl_torch.so must be registered. */
    @Test
    void jniConfigCoversEveryClassTheTorchLibraryLooksUp() throws IOException {
        Set<String> registered = registeredJniClasses("pros-face-server/jni-config.json");
        for (String library :
                List.of("jnilib/linux-x86_64/cpu/libdjl_torch.so", "jnilib/linux-x86_64/cu128/libdjl_torch.so")) {
            Set<String> lookedUp = classNamesIn(ClasspathResources.read(library), "(java|javax|ai/djl|org/slf4j)/");
            assertFalse(lookedUp.isEmpty(), library);
            lookedUp.removeAll(registered);
            assertEquals(Set.of(), lookedUp, "classes " + library + " looks up but jni-config.json does not register");
        }
    }

    /** The same for OpenCV's JNI library, once the detector brings OpenCV in. */
    @Test
    void jniConfigCoversEveryClassOpenCvLooksUp() throws IOException {
        assumeTrue(OPENCV, "OpenCV is not on this branch's classpath yet");
        String library = ClasspathResources.all().stream()
                .filter(name -> name.matches("nu/pattern/opencv/linux/x86_64/libopencv_java\\d+\\.so"))
                .findFirst()
                .orElseThrow();
        Set<String> lookedUp = classNamesIn(ClasspathResources.read(library), "(java|org/opencv)/");
        lookedUp.removeAll(registeredJniClasses("opencv/jni-config.json"));
        assertEquals(
                Set.of(), lookedUp, "classes " + library + " looks up but opencv/jni-config.json does not register");
    }

    private static Set<String> registeredJniClasses(String file) throws IOException {
        Set<String> names = new TreeSet<>();
        new ObjectMapper()
                .readTree(METADATA.resolve(file).toFile())
                .forEach(entry -> names.add(entry.get("name").asText()));
        return names;
    }

    /** NUL-terminated strings of a shared library that look like JNI class names ("java/lang/String"), dotted. */
    static Set<String> classNamesIn(byte[] library, String prefixRegex) {
        Pattern className = Pattern.compile(prefixRegex + "[A-Za-z0-9_$/]+");
        Set<String> names = new TreeSet<>();
        int start = 0;
        for (int index = 0; index < library.length; index++) {
            if (library[index] == 0) {
                if (index - start >= 6) {
                    String text = new String(library, start, index - start, StandardCharsets.ISO_8859_1);
                    if (className.matcher(text).matches()) {
                        names.add(text.replace('/', '.'));
                    }
                }
                start = index + 1;
            }
        }
        return names;
    }

    private static Class<?> load(String name) throws ClassNotFoundException {
        return switch (name) {
            case "int" -> int.class;
            case "long" -> long.class;
            case "float" -> float.class;
            case "double" -> double.class;
            case "boolean" -> boolean.class;
            case "byte" -> byte.class;
            default ->
                name.endsWith("[]")
                        ? load(name.substring(0, name.length() - 2)).arrayType()
                        : Class.forName(name, false, NativeImageConfigTest.class.getClassLoader());
        };
    }

    private static void findMethod(Class<?> type, String name, Class<?>[] parameters) throws NoSuchMethodException {
        List<Class<?>> hierarchy = new ArrayList<>();
        for (Class<?> current = type; current != null; current = current.getSuperclass()) {
            hierarchy.add(current);
        }
        hierarchy.addAll(Arrays.asList(type.getInterfaces()));
        for (Class<?> candidate : hierarchy) {
            try {
                candidate.getDeclaredMethod(name, parameters);
                return;
            } catch (NoSuchMethodException e) {
                // try the next supertype
            }
        }
        throw new NoSuchMethodException(type.getName() + "." + name + Arrays.toString(parameters));
    }
}
