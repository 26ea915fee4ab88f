package io.prosface.detect;

import org.opencv.core.Core;

/**
 * Loads OpenCV's JNI library once per class loader.
 *
 * <p>Why a static: a JNI library is process-wide state that the JVM binds to exactly one class loader, and
 * {@code System.load} of the same file from a second class loader fails. The flag below is therefore the one
 * justified static in this package; it mirrors a fact about the process, not application state.
 *
 * <p>How: {@code nu.pattern.OpenCV.loadLocally()} copies the library for this platform out of the openpnp jar into a
 * fresh directory under {@code java.io.tmpdir} (deleted at JVM exit) and loads it from there;
 * {@code loadShared()} does not work on Java ≥ 12. Before loading we probe with a native call: when the OpenCV
 * classes come from a parent class loader that already loaded the library (Quarkus dev/test with parent-first
 * artifacts, or a second Quarkus start in one JVM), the probe succeeds and nothing is loaded again. When a new
 * class loader brings its own copy of the OpenCV classes, it also gets its own extracted copy of the library under
 * a different path, which the JVM accepts.
 */
final class OpenCvLibrary {

    private static final Object LOCK = new Object();
    private static volatile boolean loaded;

    private OpenCvLibrary() {
    }

    /** Makes sure OpenCV's native methods are bound in this class loader; cheap after the first call. */
    static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (LOCK) {
            if (!loaded) {
                if (!alreadyBound()) {
                    nu.pattern.OpenCV.loadLocally();
                }
                loaded = true;
            }
        }
    }

    /** OpenCV's version as reported by the native library, e.g. "4.9.0". */
    static String version() {
        ensureLoaded();
        return Core.getVersionString();
    }

    private static boolean alreadyBound() {
        try {
            Core.getVersionString();
            return true;
        } catch (UnsatisfiedLinkError notYetLoaded) {
            return false;
        }
    }
}
