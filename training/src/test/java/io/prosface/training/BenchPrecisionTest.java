package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench --checkpoint --precision} on a micro checkpoint: one row per precision with the agreement columns
 * filled from real development faces. No timing is asserted (a shared machine decides those).
 */
class BenchPrecisionTest {

    /** ../shared/data from the repository root; tests run in training/. */
    private static final Path DATA = Path.of("..", "..", "shared", "data");

    @TempDir
    Path temp;

    @Test
    void printsOneRowPerPrecisionWithTheAgreementWithFp32() throws Exception {
        assumeTrue(
                Files.isDirectory(DATA.resolve("celeba")),
                "shared data absent: " + DATA.toAbsolutePath()
                        + " (bench --verify reads real development faces from ../shared/data, see its README)");
        Path checkpoint = ExportOnnxTest.microCheckpoint(temp.resolve("checkpoint"));
        CommandRunner.Run run = CommandRunner.run(
                "bench",
                "--checkpoint",
                checkpoint.toString(),
                "--precision",
                "int8,bf16",
                "--rounds",
                "1",
                "--verify",
                "16",
                "--data",
                DATA.toString());
        assertEquals(0, run.exitCode(), run.all());

        List<String> rows =
                run.out().lines().filter(line -> line.startsWith("| 8 |")).toList();
        assertEquals(3, rows.size(), "fp32 (always, the reference) + the two asked for: " + run.out());
        Map<String, String[]> byPrecision =
                Map.of("fp32", cells(rows.get(0)), "int8", cells(rows.get(1)), "bf16", cells(rows.get(2)));
        assertEquals("fp32", byPrecision.get("fp32")[1], run.out());
        assertEquals("1.00×", byPrecision.get("fp32")[4], "fp32 against itself");
        assertEquals("reference", byPrecision.get("fp32")[8]);
        for (String precision : List.of("int8", "bf16")) {
            String[] cells = byPrecision.get(precision);
            assertEquals(precision, cells[1], run.out());
            assertTrue(cells[4].matches("\\d+\\.\\d\\d×"), "ratio to fp32: " + cells[4]);
            double attributes = percent(cells[5]);
            double expression = percent(cells[6]);
            double landmarks = percent(cells[7]);
            // a random micro model's answers sit near every decision boundary (its expression probabilities are
            // almost uniform), so no bar is asserted: only that the agreement was measured
            assertTrue(attributes >= 0 && attributes <= 100, precision + " attribute decisions: " + cells[5]);
            assertTrue(expression >= 0 && expression <= 100, precision + " expression top-1: " + cells[6]);
            // neither is bit-equal to float32: some shift is always measured
            assertTrue(landmarks > 0 && landmarks < 100, precision + " landmark shift: " + cells[7]);
            assertTrue(cells[8].startsWith("pass") || cells[8].startsWith("FAIL"), "verdict: " + cells[8]);
        }
        assertTrue(run.out().contains("Agreement with fp32 on 16 development faces"), run.out());
        assertTrue(run.out().contains("load average"), "the machine's state is printed: " + run.out());
        int perWorker = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertTrue(
                run.out().contains(perWorker + " intra-op thread(s) per engine on one worker thread"),
                "without --threads both engines get the server's default per-worker threads: " + run.out());
    }

    @Test
    void precisionWithoutACheckpointIsAUsageError() {
        CommandRunner.Run run = CommandRunner.run("bench", "--precision", "int8");
        assertEquals(2, run.exitCode(), run.all());
        assertTrue(run.err().contains("--precision needs --checkpoint"), run.err());
    }

    @Test
    void theDevelopmentFacesAreDevSplitsShsSplit() throws Exception {
        assumeTrue(Files.isDirectory(DATA.resolve("celeba")), "shared data absent: " + DATA.toAbsolutePath());
        // dev-splits.sh on this data: CelebA 007001-008000, every 10th UTKFace position (its word-split file name
        // shifts the count: 1,001), every 10th facial_expressions person (1,016 images), the last 105 LFPW images (from
        // image_0762: the numbers have gaps)
        assertEquals(1000, VerificationFaces.development(DATA, "celeba/images").size());
        assertEquals(1001, VerificationFaces.development(DATA, "utkface").size());
        assertEquals(
                1016,
                VerificationFaces.development(DATA, "facial_expressions/images").size());
        List<Path> lfpw = VerificationFaces.development(DATA, "lfpw/train");
        assertEquals(105, lfpw.size());
        assertEquals("image_0762.jpg", lfpw.get(0).getFileName().toString());
        assertEquals(
                "007001.jpg",
                VerificationFaces.development(DATA, "celeba/images")
                        .get(0)
                        .getFileName()
                        .toString());
        assertEquals("AJ_Cook", VerificationFaces.person("AJ_Cook_0001.jpg"));
    }

    /** "| 8 | int8 | ... |" -> {"8", "int8", ...}. */
    private static String[] cells(String row) {
        String[] parts = row.substring(1, row.length() - 1).split("\\|");
        for (int index = 0; index < parts.length; index++) {
            parts[index] = parts[index].strip();
        }
        return parts;
    }

    private static double percent(String cell) {
        assertTrue(cell.endsWith("%"), "a percentage: " + cell);
        return Double.parseDouble(cell.substring(0, cell.length() - 1));
    }
}
