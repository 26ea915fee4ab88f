package io.prosface.server.finetune.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.HeadKind;
import io.prosface.detect.FaceDetector;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.finetune.FewShotData;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.finetune.upload.TaskSpec;
import io.prosface.server.finetune.upload.TrainingOptions;
import io.prosface.server.inference.analysis.ImageDecoding;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The training engine without the server: real faces, the test checkpoint's backbone, metrics and timing. */
class JobTrainerTest {

    private static NDManager manager;
    private static Checkpoint checkpoint;
    private static FaceDetector detector;

    @BeforeAll
    static void load() throws Exception {
        new TestCheckpoint().start();
        manager = NDManager.newBaseManager();
        checkpoint = Checkpoint.load(TestCheckpoint.DIRECTORY, manager);
        checkpoint.backbone().freezeParameters(true);
        detector = new FaceDetector();
    }

    @AfterAll
    static void close() {
        detector.close();
        manager.close();
    }

    private static JobTrainer trainer() {
        ImageDecoder decoder = ImageDecoder.withDefaultLimits();
        FacePreprocessor preprocessor = new FacePreprocessor(checkpoint.config().preprocessing(), decoder);
        return new JobTrainer(
                checkpoint.backbone(),
                preprocessor,
                bytes -> new ImageDecoding.Decoded(decoder.decodeUpright(bytes, decoder.plan(bytes)), () -> {}),
                image -> {
                    List<io.prosface.detect.FaceBox> faces = detector.detect(image, 1);
                    return faces.isEmpty()
                            ? null
                            : new FaceBox(
                                    faces.get(0).x(),
                                    faces.get(0).y(),
                                    faces.get(0).width(),
                                    faces.get(0).height());
                },
                8);
    }

    private static List<Example> examples(List<FewShotData.Item> items, List<String> classes) {
        List<Example> examples = new ArrayList<>();
        for (FewShotData.Item item : items) {
            examples.add(new Example(item.name(), item.bytes(), new float[] {classes.indexOf(item.label())}));
        }
        return examples;
    }

    /** A job over {@code examples} with the split its upload would have stored. */
    private static JobTrainer.Result train(TaskSpec spec, List<Example> examples, NDManager job, Recorder recorder) {
        DataSplit split = DataSplit.of(
                examples,
                spec.kind(),
                spec.options().validationSplit(),
                spec.options().seed());
        return trainer().train(spec, examples, split, job, recorder);
    }

    private static final class Recorder implements JobTrainer.Listener {
        int rounds;
        int checkpoints;

        @Override
        public void checkpoint() {
            checkpoints++;
        }

        @Override
        public void features(int done, int total) {}

        @Override
        public void epochs(
                int epoch,
                int totalEpochs,
                long step,
                long totalSteps,
                Map<String, Double> train,
                Map<String, Double> validation) {
            rounds++;
        }
    }

    @Test
    void trainsAHairColourClassifierBetterThanChanceOnTheRandomTestBackbone() {
        List<String> classes = List.of("black", "blond");
        TaskSpec spec = new TaskSpec(
                HeadKind.CLASSIFICATION, "hair", classes, new TrainingOptions(60, 0.003, 64, 0.3, 0, 1, 7, true, true));
        Recorder recorder = new Recorder();
        long start = System.nanoTime();
        try (NDManager job = manager.newSubManager()) {
            JobTrainer.Result result = train(spec, examples(FewShotData.hairColours(50, 0), classes), job, recorder);
            System.out.printf(
                    "hair colour, 100 faces: %d ms, train %s, validation %s%n",
                    (System.nanoTime() - start) / 1_000_000, result.train(), result.validation());
            assertNull(result.tail(), "a frozen-backbone job trains no blocks");
            assertEquals(70, result.trainExamples());
            assertEquals(30, result.validationExamples());
            assertEquals(JobTrainer.REPORTS, recorder.rounds);
            // 70 training faces with one augmented view: 140 views, 3 steps per epoch, 60 epochs
            assertTrue(
                    recorder.checkpoints > 180, "a checkpoint per feature chunk and per step: " + recorder.checkpoints);
            assertTrue(
                    result.validation().get("accuracy") > result.validation().get("chance"),
                    result.validation().toString());
        }
    }

    /** The same 100-face job with the last k blocks trained too: the tail comes back with the head, and it learns. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void trainsTheLastBlocksTogetherWithTheHead(int blocks) {
        List<String> classes = List.of("black", "blond");
        TaskSpec spec = new TaskSpec(
                HeadKind.CLASSIFICATION,
                "hair",
                classes,
                new TrainingOptions(60, 0.003, 64, 0.3, blocks, 1, 7, true, true));
        Recorder recorder = new Recorder();
        long start = System.nanoTime();
        try (NDManager job = manager.newSubManager()) {
            JobTrainer.Result result = train(spec, examples(FewShotData.hairColours(50, 0), classes), job, recorder);
            System.out.printf(
                    "hair colour, 100 faces, unfrozen_blocks=%d: %d ms (%s), train %s, validation %s%n",
                    blocks,
                    (System.nanoTime() - start) / 1_000_000,
                    result.timing(),
                    result.train(),
                    result.validation());
            assertEquals(blocks, result.tail().blockCount());
            assertEquals(JobTrainer.REPORTS, recorder.rounds);
            assertTrue(
                    recorder.checkpoints > 180, "a checkpoint per token chunk and per step: " + recorder.checkpoints);
            assertTrue(
                    result.validation().get("accuracy") > result.validation().get("chance"),
                    result.validation().toString());
        }
    }

    @Test
    void regressionHeadsAnswerInTheLabelsUnits() {
        List<FewShotData.Item> all = FewShotData.utkFace(4000, 0, false);
        // every 50th file: names sort by age, so a stride spans ages 1 to 100+
        List<FewShotData.Item> items = java.util.stream.IntStream.range(0, 80)
                .mapToObj(i -> all.get(i * 50))
                .toList();
        List<Example> examples = items.stream()
                .map(item -> new Example(item.name(), item.bytes(), new float[] {Float.parseFloat(item.label())}))
                .toList();
        TaskSpec spec = new TaskSpec(
                HeadKind.REGRESSION,
                "age",
                List.of("age"),
                new TrainingOptions(30, 0.003, 64, 0.25, 0, 0, 3, true, false));
        try (NDManager job = manager.newSubManager()) {
            JobTrainer.Result result = train(spec, examples, job, new Recorder());
            double spread = examples.stream()
                            .mapToDouble(e -> e.target()[0])
                            .max()
                            .orElseThrow()
                    - examples.stream().mapToDouble(e -> e.target()[0]).min().orElseThrow();
            System.out.printf(
                    "age regression: train %s, validation %s, label range %.0f years%n",
                    result.train(), result.validation(), spread);
            // in years, not z-scores: the error is a fraction of the label range, and far above a z-score's scale
            assertTrue(result.train().get("mae") < spread / 2, result.train().toString());
            assertTrue(result.train().get("mae") > 0.5, result.train().toString());
        }
    }
}
