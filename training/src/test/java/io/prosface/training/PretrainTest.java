package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain from a recipe, resume from its checkpoint, and stop clearly on a NaN loss (micro ViT, 32 px). */
class PretrainTest {

    @TempDir
    static Path temp;

    static Path faces;

    @BeforeAll
    static void synthesise() {
        faces = temp.resolve("faces");
        assertEquals(
                0,
                CommandRunner.run("synth", "--count", "24", "--size", "32", "--seed", "3", "--out", faces.toString())
                        .exitCode());
    }

    @Test
    void runsFromARecipeAndResumesWhereItStopped() throws Exception {
        Path run = temp.resolve("run");
        String recipe = Path.of("configs", "micro-test.properties").toString();
        CommandRunner.Run first = CommandRunner.run(
                "pretrain",
                "--recipe",
                recipe,
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--set",
                "max.steps=2");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(Files.isRegularFile(run.resolve("checkpoint/config.json")));
        assertTrue(Files.readString(run.resolve("checkpoint/config.json")).contains("\"recipe.name\": \"micro-test\""));

        CommandRunner.Run resumed = CommandRunner.run(
                "pretrain",
                "--recipe",
                recipe,
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--resume",
                "--set",
                "max.steps=4");
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("training steps 2..3 of 4"), resumed.out());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertEquals(
                List.of("0", "1", "2", "3"),
                rows.subList(1, rows.size()).stream().map(r -> r.split(",")[0]).toList());
        for (String row : rows.subList(1, rows.size())) {
            double loss = Double.parseDouble(row.split(",")[2]);
            assertTrue(Double.isFinite(loss) && loss > 0, row);
        }
        assertTrue(Files.isRegularFile(run.resolve("plots/loss.png")));
        assertTrue(Files.readString(run.resolve("checkpoint/config.json")).contains("after step 4 of 4"));
    }

    /**
     * The DINO-loss ablation runs the same head class with its unnormalised last layer: it trains with that layer
     * frozen in the first epoch (which needs the selector to find {@code lastLayer_weight}), resumes from its own
     * state, and its checkpoint keeps just the backbone.
     */
    @Test
    void theDinoAblationTrainsResumesAndCheckpointsTheBackboneOnly() throws Exception {
        Path run = temp.resolve("dino");
        String recipe = Path.of("configs", "micro-test.properties").toString();
        CommandRunner.Run first = CommandRunner.run(
                "pretrain",
                "--recipe",
                recipe,
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--set",
                "loss=dino",
                "--set",
                "freeze.last.layer.epochs=1",
                "--set",
                "max.steps=2");
        assertEquals(0, first.exitCode(), first.all());
        assertTrue(Files.isRegularFile(run.resolve("resume/student.params")));
        assertFalse(Files.exists(run.resolve("checkpoint/pros-head.params")), "the ablation's head is not kept");
        assertFalse(Files.readString(run.resolve("checkpoint/config.json")).contains("prosHead"));

        CommandRunner.Run resumed = CommandRunner.run(
                "pretrain",
                "--recipe",
                recipe,
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--resume",
                "--set",
                "loss=dino",
                "--set",
                "freeze.last.layer.epochs=1",
                "--set",
                "max.steps=4");
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(resumed.out().contains("training steps 2..3 of 4"), resumed.out());
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        for (String row : rows.subList(1, rows.size())) {
            double loss = Double.parseDouble(row.split(",")[2]);
            assertTrue(Double.isFinite(loss) && loss > 0, row);
        }
    }

    @Test
    void precisionBf16TrainsTheSameRecipeFromTheSameStartWithFloat32MasterWeights() throws Exception {
        String recipe = Path.of("configs", "micro-test.properties").toString();
        List<List<String>> losses = new java.util.ArrayList<>();
        for (String precision : List.of("fp32", "bf16")) {
            Path run = temp.resolve("precision-" + precision);
            CommandRunner.Run result = CommandRunner.run(
                    "pretrain",
                    "--recipe",
                    recipe,
                    "--data",
                    faces.toString(),
                    "--out",
                    run.toString(),
                    "--no-progress",
                    "--set",
                    "max.steps=3",
                    "--set",
                    "precision=" + precision);
            assertEquals(0, result.exitCode(), result.all());
            assertTrue(Files.isRegularFile(run.resolve("checkpoint/backbone.params")), "a float32 checkpoint");
            List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
            losses.add(rows.subList(1, rows.size()).stream()
                    .map(row -> row.split(",")[2])
                    .toList());
        }
        for (int step = 0; step < 3; step++) {
            double fp32 = Double.parseDouble(losses.get(0).get(step));
            double bf16 = Double.parseDouble(losses.get(1).get(step));
            // same seed, data and initial weights: the curves start together and differ by bfloat16 rounding only
            assertTrue(
                    Double.isFinite(bf16) && Math.abs(bf16 - fp32) < 0.02 * fp32,
                    "step " + step + ": fp32 " + fp32 + ", bf16 " + bf16);
        }
    }

    @Test
    void sigtermEndsTheRunAfterTheCurrentStepWithAResumableCheckpoint() throws Exception {
        // a separate JVM, stopped the way Ctrl-C, `kill` or Kubernetes stop a job; no periodic checkpoints, so any
        // checkpoint found afterwards was written by the stop
        Path run = temp.resolve("signal");
        Path log = temp.resolve("signal.log");
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        Main.class.getName(),
                        "pretrain",
                        "--recipe",
                        "configs/micro-test.properties",
                        "--data",
                        faces.toString(),
                        "--out",
                        run.toString(),
                        "--no-progress",
                        "--set",
                        "epochs=2000",
                        "--set",
                        "checkpoint.every.steps=0")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (rows(run) < 3 && process.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(rows(run) >= 3, "the run did not get going: " + Files.readString(log));
            process.destroy(); // SIGTERM
            assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "no exit within 60 s of SIGTERM");
        } finally {
            process.destroyForcibly();
        }
        String output = Files.readString(log);
        assertEquals(143, process.exitValue(), output);
        assertFalse(output.contains("SIGSEGV") || output.contains("fatal error"), output);
        java.util.regex.Matcher stopped =
                java.util.regex.Pattern.compile("stopped: (\\d+) steps").matcher(output);
        assertTrue(stopped.find(), output);
        long steps = Long.parseLong(stopped.group(1));
        assertTrue(steps >= 3 && steps < 6000, output);
        assertEquals(steps, rows(run), "every step run is logged");
        assertTrue(
                Files.readString(run.resolve("checkpoint/config.json")).contains("after step " + steps + " of 6000"));

        CommandRunner.Run resumed = CommandRunner.run(
                "pretrain",
                "--recipe",
                "configs/micro-test.properties",
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--resume",
                "--set",
                "epochs=2000",
                "--set",
                "checkpoint.every.steps=0",
                "--set",
                "max.steps=" + (steps + 1));
        assertEquals(0, resumed.exitCode(), resumed.all());
        assertTrue(
                resumed.out().contains("training steps " + steps + ".." + steps + " of " + (steps + 1)), resumed.out());
    }

    private static long rows(Path run) throws java.io.IOException {
        Path metrics = run.resolve("metrics.csv");
        return Files.isRegularFile(metrics)
                ? Math.max(0, Files.readAllLines(metrics).size() - 1)
                : 0;
    }

    @Test
    void aNaNLossStopsTheRunWithAClearMessage() {
        Path run = temp.resolve("nan");
        CommandRunner.Run result = CommandRunner.run(
                "pretrain",
                "--recipe",
                "configs/micro-test.properties",
                "--data",
                faces.toString(),
                "--out",
                run.toString(),
                "--no-progress",
                "--set",
                "debug.nan.at.step=1",
                "--set",
                "checkpoint.every.steps=0");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("error: loss became NaN at step 1"), result.err());
        assertFalse(Files.exists(run.resolve("checkpoint")), "no checkpoint is written for a diverged run");
    }

    @Test
    void aTypoInARecipeKeyIsRefused() {
        CommandRunner.Run result = CommandRunner.run(
                "pretrain",
                "--data",
                faces.toString(),
                "--out",
                temp.resolve("typo").toString(),
                "--set",
                "batchsize=8");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("unknown recipe key 'batchsize'"), result.err());
    }
}
