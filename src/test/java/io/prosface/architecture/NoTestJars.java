package io.prosface.architecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.util.regex.Pattern;

/**
 * Leaves out classes from test-jars ({@code pros-face-core-*-tests.jar}, core's test images, is on the server's test
 * class path), which {@link ImportOption.Predefined#DO_NOT_INCLUDE_TESTS} only recognises as test classes in a
 * {@code test-classes} folder.
 */
public final class NoTestJars implements ImportOption {

    private static final Pattern TEST_JAR = Pattern.compile(".*-tests\\.jar.*");

    @Override
    public boolean includes(Location location) {
        return !location.matches(TEST_JAR);
    }
}
