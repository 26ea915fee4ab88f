package io.prosface.core.eval;

import io.prosface.core.data.Expression;
import io.prosface.core.data.FaceBatchLoader;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FaceDataset;
import io.prosface.core.data.FaceLabels;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.FaceSample;
import io.prosface.core.data.IbugLandmarks;
import io.prosface.core.data.PreparedFace;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The labelled samples of one downstream task, prepared once as model inputs (normalised CHW pixels) and targets:
 * attributes as 0/1 per attribute, expression as its class index, landmarks as 68 (x, y) pairs in [0, 1] of the model
 * input. Samples without the task's label are left out.
 *
 * <p>Framed as served: a sample with landmarks (iBUG folders, synthetic sets) is cut around its landmarks' box with
 * the preprocessing's face margin, as the server cuts a detected face, for every task; one without (CelebA's aligned
 * crops, expression crops) is used whole, letterboxed. A head trained on whole photos would otherwise learn the face at
 * another scale than the one it is served at.
 *
 * @param labelNames the head's outputs: attribute names, expression labels, or point names
 * @param pixels one 3*S*S array per sample
 * @param targets one array per sample (A values, 1 value, or 136 values)
 * @param description where the samples came from, for reports
 */
public record TaskExamples(
        DownstreamTask task,
        List<String> labelNames,
        int imageSize,
        List<float[]> pixels,
        List<float[]> targets,
        String description) {

    public TaskExamples {
        if (pixels.size() != targets.size()) {
            throw new IllegalArgumentException(pixels.size() + " images but " + targets.size() + " targets");
        }
        pixels = List.copyOf(pixels);
        targets = List.copyOf(targets);
        labelNames = List.copyOf(labelNames);
    }

    public int size() {
        return pixels.size();
    }

    /** Class index of sample i for single-label tasks (expression), else -1. */
    public int classOf(int index) {
        return task == DownstreamTask.EXPRESSION ? (int) targets.get(index)[0] : -1;
    }

    /** The samples at {@code indices}, in that order. */
    public TaskExamples subset(List<Integer> indices, String name) {
        List<float[]> subsetPixels = new ArrayList<>(indices.size());
        List<float[]> subsetTargets = new ArrayList<>(indices.size());
        for (int index : indices) {
            subsetPixels.add(pixels.get(index));
            subsetTargets.add(targets.get(index));
        }
        return new TaskExamples(task, labelNames, imageSize, subsetPixels, subsetTargets, name + " of " + description);
    }

    /**
     * Reads up to {@code maxSamples} labelled samples (0 = all) of {@code dataset} in dataset order, decoding on
     * {@code threads} threads. Attribute names are those of the first labelled sample; a sample lacking any of them
     * is left out, so every target is complete.
     */
    public static TaskExamples read(
            FaceDataset dataset, DownstreamTask task, FacePreprocessor preprocessor, int maxSamples, int threads) {
        List<String> names = labelNamesOf(dataset, task);
        List<float[]> pixels = new ArrayList<>();
        List<float[]> targets = new ArrayList<>();
        FaceBatchLoader.Options options = new FaceBatchLoader.Options(64, false, false, 0, Math.max(1, threads), 2);
        try (FaceBatchLoader<Prepared> loader = new FaceBatchLoader<>(
                dataset, (sample, random) -> prepare(sample, task, names, preprocessor), options)) {
            Iterator<List<Prepared>> batches = loader.epoch(0);
            while (batches.hasNext() && (maxSamples <= 0 || pixels.size() < maxSamples)) {
                for (Prepared prepared : batches.next()) {
                    if (prepared.target() != null && (maxSamples <= 0 || pixels.size() < maxSamples)) {
                        pixels.add(prepared.pixels());
                        targets.add(prepared.target());
                    }
                }
            }
        }
        if (pixels.isEmpty()) {
            throw new IllegalArgumentException(
                    "no sample of " + dataset.describe() + " has " + task.label() + " labels");
        }
        return new TaskExamples(task, names, preprocessor.imageSize(), pixels, targets, dataset.describe());
    }

    private record Prepared(float[] pixels, float[] target) {}

    private static Prepared prepare(
            FaceSample sample, DownstreamTask task, List<String> names, FacePreprocessor preprocessor) {
        float[] target = target(sample.labels(), task, names);
        if (target == null) {
            return new Prepared(null, null);
        }
        float[] points = sample.labels().landmarks();
        FaceBox box =
                points == null || points.length != 2 * IbugLandmarks.POINT_COUNT ? null : FaceBox.enclosing(points);
        PreparedFace face = preprocessor.prepare(sample.image(), box);
        if (task == DownstreamTask.LANDMARKS) {
            target = face.crop().imageToNormalized(target);
        }
        return new Prepared(face.pixels(), target);
    }

    private static float[] target(FaceLabels labels, DownstreamTask task, List<String> names) {
        switch (task) {
            case ATTRIBUTES -> {
                Map<String, Boolean> attributes = labels.attributes();
                if (attributes == null) {
                    return null;
                }
                float[] values = new float[names.size()];
                for (int i = 0; i < names.size(); i++) {
                    Boolean present = attributes.get(names.get(i));
                    if (present == null) {
                        return null;
                    }
                    values[i] = present ? 1f : 0f;
                }
                return values;
            }
            case EXPRESSION -> {
                return labels.expression() == null
                        ? null
                        : new float[] {labels.expression().ordinal()};
            }
            default -> {
                float[] points = labels.landmarks();
                return points == null || points.length != 2 * IbugLandmarks.POINT_COUNT ? null : points.clone();
            }
        }
    }

    private static List<String> labelNamesOf(FaceDataset dataset, DownstreamTask task) {
        return switch (task) {
            case EXPRESSION -> Expression.labels();
            case LANDMARKS ->
                java.util.stream.IntStream.range(0, IbugLandmarks.POINT_COUNT)
                        .mapToObj(Integer::toString)
                        .toList();
            case ATTRIBUTES -> {
                for (int i = 0; i < dataset.size(); i++) {
                    Map<String, Boolean> attributes = dataset.labels(i).attributes();
                    if (attributes != null && !attributes.isEmpty()) {
                        yield List.copyOf(attributes.keySet());
                    }
                }
                throw new IllegalArgumentException(dataset.describe() + " has no attribute labels");
            }
        };
    }
}
