package io.prosface.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.training.curate.VectorIndex;
import io.prosface.training.recipe.RecipeProperties;
import io.prosface.training.report.MetricsLog;
import io.prosface.training.report.TrainingPlots;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recipes, metrics files, plots and the HNSW index: the plumbing every command relies on. */
class InfrastructureTest {

    @TempDir
    Path temp;

    @Test
    void recipeLayersDefaultsFileAndOverridesAndRejectsTypos() throws Exception {
        Path recipe = temp.resolve("r.properties");
        Files.writeString(recipe, "batch.size=16\nepochs=3\n");
        RecipeProperties properties = RecipeProperties.load(recipe, List.of("epochs=5"));
        assertEquals(16, properties.integer("batch.size"));
        assertEquals(5, properties.integer("epochs"));
        assertEquals(Map.of("batch.size", "16", "epochs", "5"), properties.deltas());
        IllegalArgumentException typo = assertThrows(
                IllegalArgumentException.class, () -> RecipeProperties.load(recipe, List.of("batch_size=3")));
        assertTrue(typo.getMessage().contains("unknown recipe key 'batch_size'"), typo.getMessage());
    }

    @Test
    void metricsResumeDropsRepeatedStepsAndPlotsArePng() {
        Path csv = temp.resolve("metrics.csv");
        List<String> columns = List.of("step", "loss");
        try (MetricsLog log = new MetricsLog(csv, columns, 0)) {
            for (int step = 0; step < 10; step++) {
                log.append(Map.of("step", (double) step, "loss", 1.0 / (step + 1)));
            }
        }
        try (MetricsLog resumed = new MetricsLog(csv, columns, 5)) {
            assertEquals(5, resumed.series().get("step").length);
            resumed.append(Map.of("step", 5.0, "loss", 0.1));
            List<Path> plots = TrainingPlots.write(
                    temp,
                    resumed.series(),
                    List.of(new TrainingPlots.Plot("loss.png", "loss", "loss", List.of("loss"))));
            assertEquals(List.of(temp.resolve("loss.png")), plots);
            assertTrue(Files.isRegularFile(temp.resolve("loss.png")));
        }
    }

    @Test
    void vectorIndexFindsTheNearestByCosine() {
        Random random = new Random(1);
        List<float[]> vectors = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            float[] vector = new float[16];
            for (int d = 0; d < vector.length; d++) {
                vector[d] = (float) random.nextGaussian();
            }
            vectors.add(vector);
        }
        try (VectorIndex index = new VectorIndex(vectors)) {
            float[] query = vectors.get(42).clone();
            for (int d = 0; d < query.length; d++) {
                query[d] *= 3f; // cosine ignores scale
            }
            VectorIndex.Neighbour nearest = index.nearest(query, 5).get(0);
            assertEquals(42, nearest.id());
            assertEquals(1.0, nearest.cosine(), 1e-4);
        }
    }
}
