package io.prosface.server.inference.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.model.BackbonePass;
import io.prosface.core.model.HeadKind;
import io.prosface.server.inference.batching.BatchProcessor;
import io.prosface.server.inference.registry.BackboneRunner;
import io.prosface.server.inference.registry.DjlBackboneRunner;
import io.prosface.server.inference.registry.FaceTask;
import io.prosface.server.inference.registry.HeadMeters;
import io.prosface.server.inference.registry.LoadedHead;
import io.prosface.server.inference.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * One worker's inference path: ONE backbone pass for the whole batch, then every head that any face of the batch
 * asked for runs once on those same features. Every array of a batch lives in a manager that is closed when the
 * batch is done, so native memory does not grow with traffic.
 *
 * <p>Heads with a tail (fine-tuned with their last k blocks unfrozen) read the shared tokens at depth L - k: the
 * same single pass keeps the token states at each depth a requested tail needs ({@link BackbonePass}); each tail
 * then runs only on the rows of the faces that asked for its head, followed by its head. A batch whose heads have no
 * tail takes the plain forward, as before.
 */
public final class FaceBatchProcessor implements BatchProcessor<FaceInput, FaceOutputs> {

    /** Keeps the division finite for an all-zero class token. */
    private static final float NORM_EPSILON = 1e-12f;

    private final ModelRegistry registry;
    private final NDManager workerManager;
    private final int imageSize;
    private final BackboneRunner backbone;
    private volatile HeadMeters headMeters = HeadMeters.NONE;

    public FaceBatchProcessor(ModelRegistry registry, Device device) {
        this(registry, device, new DjlBackboneRunner(registry.backbone()));
    }

    /** @param backbone this worker's backbone runner (pros.inference.precision); closed with the processor */
    public FaceBatchProcessor(ModelRegistry registry, Device device, BackboneRunner backbone) {
        this.registry = registry;
        this.workerManager = NDManager.newBaseManager(device);
        this.imageSize = registry.preprocessing().imageSize();
        this.backbone = backbone;
    }

    /** From now on, each head's faces and time go to {@code meters} (set after warm-up: that is not traffic). */
    public void measureHeads(HeadMeters meters) {
        this.headMeters = meters;
    }

    @Override
    public List<FaceOutputs> process(List<FaceInput> inputs) {
        int batchSize = inputs.size();
        List<Map<FaceTask, TaskOutput>> answers = new ArrayList<>(batchSize);
        for (int index = 0; index < batchSize; index++) {
            answers.add(new EnumMap<>(FaceTask.class));
        }
        try (NDManager batch = workerManager.newSubManager()) {
            ParameterStore parameters = new ParameterStore(batch, false);
            NDArray images = FacePreprocessor.stack(
                    batch, inputs.stream().map(FaceInput::pixels).toList(), imageSize);
            List<LoadedHead> heads = distinctHeads(inputs);
            boolean embeddings = inputs.stream().anyMatch(input -> input.tasks().contains(FaceTask.EMBEDDING));
            Set<Integer> depths = new TreeSet<>();
            heads.stream()
                    .filter(head -> head.tail() != null)
                    .forEach(head -> depths.add(head.tail().inputDepth()));
            boolean needsOutput = embeddings || heads.stream().anyMatch(head -> head.tail() == null);
            // (B, 3, S, S) -> classToken (B, D), patchTokens (B, N, D), and the tokens the tails read
            BackbonePass pass = backbone.run(images, depths, needsOutput);
            NDList features = pass.output();
            Map<Integer, NDArray> tokensAtDepth = pass.tokensAtDepth();

            if (embeddings) {
                NDArray classToken = features.get(0);
                // (B, D) / (B, 1): unit length, so a dot product is the cosine similarity
                NDArray embedding =
                        classToken.div(classToken.norm(new int[] {1}, true).maximum(NORM_EPSILON));
                fill(answers, inputs, FaceTask.EMBEDDING, registry.modelVersion(), List.of(), embedding);
            }
            for (LoadedHead head : heads) {
                long start = System.nanoTime();
                int[] rows = rowsAsking(inputs, head);
                if (head.tail() == null) {
                    NDArray output =
                            head.block().forward(parameters, features, false).head();
                    fill(answers, inputs, head, postprocess(head.kind(), output));
                } else {
                    NDArray tokens = rows(tokensAtDepth.get(head.tail().inputDepth()), rows, batchSize);
                    NDList own = head.tail().forward(parameters, new NDList(tokens), false);
                    NDArray output =
                            head.block().forward(parameters, own, false).head();
                    fillRows(answers, inputs, head, rows, postprocess(head.kind(), output));
                }
                // the answers are copied to the JVM by now, so the time includes the device's work
                long answered = Arrays.stream(rows)
                        .filter(row -> inputs.get(row).answers())
                        .count();
                headMeters.record(head, (int) answered, System.nanoTime() - start);
            }
        }
        return answers.stream().map(FaceOutputs::new).toList();
    }

    /** Indices of the faces whose request names {@code head} for its task. */
    private static int[] rowsAsking(List<FaceInput> inputs, LoadedHead head) {
        return IntStream.range(0, inputs.size())
                .filter(index -> !tasksAsking(inputs.get(index), head).isEmpty())
                .toArray();
    }

    /**
     * The tasks for which a face's request uses {@code head}: usually its kind's task; a one-output regression head
     * can answer both regression and age in one request.
     */
    private static List<FaceTask> tasksAsking(FaceInput input, LoadedHead head) {
        List<FaceTask> tasks = new ArrayList<>(1);
        input.heads().forEach((task, chosen) -> {
            if (chosen == head) {
                tasks.add(task);
            }
        });
        return tasks;
    }

    /** (B, T, D) -> (R, T, D): the given rows, in order (the whole array when every row asked). */
    private static NDArray rows(NDArray tokens, int[] rows, int batchSize) {
        if (rows.length == batchSize) {
            return tokens;
        }
        NDManager manager = tokens.getManager();
        long[] indices = Arrays.stream(rows).asLongStream().toArray();
        return tokens.get(new NDIndex("{}", manager.create(indices).toDevice(tokens.getDevice(), false)));
    }

    /** Head outputs to what clients get: independent probabilities, a distribution, points, or raw values. */
    private static NDArray postprocess(HeadKind kind, NDArray output) {
        return switch (kind) {
            case ATTRIBUTES, MULTILABEL -> Activation.sigmoid(output);
            case EXPRESSION, CLASSIFICATION -> output.softmax(-1);
            // (B, K, 2) -> (B, 2K), interleaved x0, y0, x1, y1, ...
            case LANDMARKS -> output.reshape(output.getShape().get(0), -1);
            case REGRESSION -> output;
        };
    }

    private static List<LoadedHead> distinctHeads(List<FaceInput> inputs) {
        Map<LoadedHead, Boolean> heads = new IdentityHashMap<>();
        inputs.forEach(input -> input.heads().values().forEach(head -> heads.put(head, Boolean.TRUE)));
        return new ArrayList<>(heads.keySet());
    }

    /** Copies row i of {@code rows} (B, V) to the faces that asked {@code head}. */
    private static void fill(
            List<Map<FaceTask, TaskOutput>> answers, List<FaceInput> inputs, LoadedHead head, NDArray rows) {
        float[] values = rows.toFloatArray();
        int width = values.length / inputs.size();
        for (int index = 0; index < inputs.size(); index++) {
            for (FaceTask task : tasksAsking(inputs.get(index), head)) {
                float[] row = Arrays.copyOfRange(values, index * width, (index + 1) * width);
                answers.get(index).put(task, new TaskOutput(head.key(), head.labels(), row));
            }
        }
    }

    /** Copies row r of {@code output} (R, V) to face rows[r]. */
    private static void fillRows(
            List<Map<FaceTask, TaskOutput>> answers,
            List<FaceInput> inputs,
            LoadedHead head,
            int[] rows,
            NDArray output) {
        float[] values = output.toFloatArray();
        int width = values.length / rows.length;
        for (int row = 0; row < rows.length; row++) {
            float[] one = Arrays.copyOfRange(values, row * width, (row + 1) * width);
            for (FaceTask task : tasksAsking(inputs.get(rows[row]), head)) {
                answers.get(rows[row]).put(task, new TaskOutput(head.key(), head.labels(), one));
            }
        }
    }

    private static void fill(
            List<Map<FaceTask, TaskOutput>> answers,
            List<FaceInput> inputs,
            FaceTask task,
            String head,
            List<String> labels,
            NDArray rows) {
        float[] values = rows.toFloatArray();
        int width = values.length / inputs.size();
        for (int index = 0; index < inputs.size(); index++) {
            if (inputs.get(index).tasks().contains(task)) {
                float[] row = Arrays.copyOfRange(values, index * width, (index + 1) * width);
                answers.get(index).put(task, new TaskOutput(head, labels, row));
            }
        }
    }

    @Override
    public void close() {
        try {
            backbone.close();
        } finally {
            workerManager.close();
        }
    }
}
