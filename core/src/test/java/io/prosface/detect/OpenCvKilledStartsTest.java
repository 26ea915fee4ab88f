package io.prosface.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenCV's 63 MB native library and the 930 KB Haar cascade must not pile up in java.io.tmpdir, one copy per killed
 * start.
 */
class OpenCvKilledStartsTest {

    /** A start that loads OpenCV and then dies as under kill -9: no shutdown hook runs. */
    public static final class StartThenKill {
        public static void main(String[] args) {
            System.out.println("opencv " + FaceDetector.openCvVersion());
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    /** A start that builds a face detector (library and cascade) and then dies as under kill -9. */
    public static final class DetectorThenKill {
        public static void main(String[] args) {
            FaceDetector detector = new FaceDetector();
            System.out.println("opencv " + FaceDetector.openCvVersion() + " faces "
                    + detector.detect(
                                    new java.awt.image.BufferedImage(64, 64, java.awt.image.BufferedImage.TYPE_INT_RGB))
                            .size());
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
    }

    @Test
    void threeKilledStartsWithAFaceDetectorLeaveOneCascadeCopy(@TempDir Path temporary) throws Exception {
        for (int start = 0; start < 3; start++) {
            assertEquals("opencv 4.9.0 faces 0", startAndKill(temporary, DetectorThenKill.class), "start " + start);
        }
        List<Path> left = list(temporary);
        assertEquals(1, left.size(), "one folder after three killed starts, no cascade file beside it: " + left);
        List<Path> inside = list(left.get(0));
        assertEquals(2, inside.size(), "the library and one cascade copy, no partial file: " + inside);
        assertEquals(
                1,
                inside.stream()
                        .filter(file -> file.getFileName()
                                .toString()
                                .matches("haarcascade_frontalface_default-[0-9a-f]{16}\\.xml"))
                        .count(),
                "content-addressed: " + inside);
    }

    @Test
    void aTamperedCascadeCopyIsRewrittenBeforeItIsLoaded(@TempDir Path temporary) throws Exception {
        startAndKill(temporary, DetectorThenKill.class);
        Path folder = list(temporary).get(0);
        Path cascade = list(folder).stream()
                .filter(file -> file.toString().endsWith(".xml"))
                .findFirst()
                .orElseThrow();
        Files.writeString(cascade, "<opencv_storage></opencv_storage>");
        assertEquals(
                "opencv 4.9.0 faces 0",
                startAndKill(temporary, DetectorThenKill.class),
                "a detector starts from the rewritten copy");
        assertTrue(Files.size(cascade) > 100_000, "the copy holds the real cascade again");
    }

    @Test
    void threeKilledStartsLeaveOneLibraryCopy(@TempDir Path temporary) throws Exception {
        for (int start = 0; start < 3; start++) {
            assertEquals("opencv 4.9.0", startAndKill(temporary), "start " + start);
        }
        List<Path> left = list(temporary);
        assertEquals(1, left.size(), "one folder after three killed starts: " + left);
        assertEquals(1, list(left.get(0)).size(), "the library alone, no partial copy: " + list(left.get(0)));
    }

    @Test
    void aLibraryFolderOthersCanWriteIsNeverLoaded(@TempDir Path temporary) throws Exception {
        Path planted = OpenCvExtraction.extract(temporary).orElseThrow().getParent();
        Files.setPosixFilePermissions(planted, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertTrue(OpenCvExtraction.extract(temporary).isEmpty(), "a world-writable folder is refused");
        assertEquals("opencv 4.9.0", startAndKill(temporary), "the start still works (fresh private copy)");
    }

    private static String startAndKill(Path temporary) throws IOException, InterruptedException {
        return startAndKill(temporary, StartThenKill.class);
    }

    private static String startAndKill(Path temporary, Class<?> main) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(
                        java.toString(),
                        "-Djava.io.tmpdir=" + temporary,
                        "-cp",
                        System.getProperty("java.class.path"),
                        main.getName())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the start ends");
        assertEquals(137, process.exitValue(), output);
        return output.lines()
                .filter(line -> line.startsWith("opencv "))
                .findFirst()
                .orElse(output);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
