package io.prosface.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import org.junit.jupiter.api.Test;

/**
 * OpenCV's native library survives what a second Quarkus start (a test profile, a dev-mode reload) does: the same
 * classes loaded again by a fresh class loader, in the same JVM.
 */
class OpenCvLibraryTest {

    @Test
    void loadingTwiceInOneClassLoaderIsANoOp() {
        OpenCvLibrary.ensureLoaded();
        OpenCvLibrary.ensureLoaded();
        assertEquals("4.9.0", OpenCvLibrary.version());
    }

    @Test
    void twoIsolatedClassLoadersInOneJvmBothDetect() throws Exception {
        OpenCvLibrary.ensureLoaded(); // the application class loader has it already, as after a first Quarkus start
        URL detectorClasses =
                FaceDetector.class.getProtectionDomain().getCodeSource().getLocation();
        URL openCvJar =
                nu.pattern.OpenCV.class.getProtectionDomain().getCodeSource().getLocation();
        for (int start = 0; start < 2; start++) {
            // parent = platform loader: neither our classes nor OpenCV's are shared with the test's class loader.
            // Not closed: OpenCV's shutdown hook, which deletes its extracted library, still needs to load classes.
            URLClassLoader isolated =
                    new URLClassLoader(new URL[] {detectorClasses, openCvJar}, ClassLoader.getPlatformClassLoader());
            Class<?> detectorClass = isolated.loadClass(FaceDetector.class.getName());
            Method version = detectorClass.getMethod("openCvVersion");
            assertEquals("4.9.0", version.invoke(null), "start " + start);
            Object detector = detectorClass.getConstructor().newInstance();
            detectorClass.getMethod("close").invoke(detector);
        }
    }
}
