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

/** OpenCV's 63 MB native library must not pile up in java.io.tmpdir, one copy per killed start. */
class OpenCvKilledStartsTest {

    /** A start that loads OpenCV and then dies as under kill -9: no shutdown hook runs. */
    public static final class StartThenKill {
        public static void main(String[] args) {
            System.out.println("opencv " + FaceDetector.openCvVersion());
            System.out.flush();
            Runtime.getRuntime().halt(137);
        }
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
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + temporary, "-cp",
                System.getProperty("java.class.path"), StartThenKill.class.getName()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).strip();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the start ends");
        assertEquals(137, process.exitValue(), output);
        return output.lines().filter(line -> line.startsWith("opencv ")).findFirst().orElse(output);
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }
}
