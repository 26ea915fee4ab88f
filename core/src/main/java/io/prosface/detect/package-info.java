/**
 * Face detection with OpenCV's frontal-face Haar cascade, shared by the server (requests without a face box: answer
 * for each face found, largest first) and the offline {@code curate} command (face-aware curation).
 *
 * <p>Depends on the JDK and OpenCV only (no Quarkus, no DJL), so {@code training/} compiles this folder as an extra
 * source root. Entry point: {@link io.prosface.detect.FaceDetector}; its result: {@link io.prosface.detect.FaceBox}.
 */
package io.prosface.detect;
