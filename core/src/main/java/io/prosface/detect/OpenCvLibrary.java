package io.prosface.detect;

import java.nio.file.Path;
import org.opencv.core.Core;

/**
 * Loads OpenCV's JNI library once per class loader.
 *
 * <p>Why a static: a JNI library is process-wide state that the JVM binds to exactly one class loader, and
 * {@code System.load} of the same file from a second class loader fails. The flag below is therefore the one
 * justified static in this package; it mirrors a fact about the process, not application state.
 *
 * <p>How: {@link OpenCvExtraction} keeps one copy of the library per version under {@code java.io.tmpdir} and every
 * start loads that copy (so a kill -9 leaves nothing new behind). Only where that copy cannot be used (another
 * platform, a second class loader of this JVM, for which the JVM refuses a path already loaded by the first, or
 * OpenCV's classes in another class loader than ours, as in Quarkus dev and test mode) does
 * {@code nu.pattern.OpenCV.loadLocally()} copy the library into a fresh directory (deleted at JVM exit);
 * {@code loadShared()} does not work on Java ≥ 12. Before loading we probe with a native call: when the OpenCV
 * classes come from a parent class loader that already loaded the library (Quarkus dev/test with parent-first
 * artifacts, or a second Quarkus start in one JVM), the probe succeeds and nothing is loaded again. When a new
 * class loader brings its own copy of the OpenCV classes, it also gets its own extracted copy of the library under
 * a different path, which the JVM accepts.
 */
final class OpenCvLibrary {

    private static final Object LOCK = new Object();
    private static volatile boolean loaded;

    private OpenCvLibrary() {}

    /** Makes sure OpenCV's native methods are bound in this class loader; cheap after the first call. */
    static void ensureLoaded() {
        if (loaded) {
            return;
        }
        synchronized (LOCK) {
            if (!loaded) {
                if (!alreadyBound() && !loadSharedCopy()) {
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

    /**
     * Loads the reused copy; false when there is none, when this JVM has bound it to another class loader, or when
     * OpenCV's classes come from another class loader than this class (Quarkus dev and test): {@code System.load}
     * binds a library to its caller's class loader, and OpenCV's native methods would not find it there.
     */
    private static boolean loadSharedCopy() {
        if (OpenCvLibrary.class.getClassLoader() != Core.class.getClassLoader()) {
            return false;
        }
        var library = OpenCvExtraction.extract(Path.of(System.getProperty("java.io.tmpdir")));
        if (library.isEmpty()) {
            return false;
        }
        try {
            System.load(library.get().toString());
            return true;
        } catch (UnsatisfiedLinkError boundElsewhere) {
            return false;
        }
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
