package io.prosface.core.train;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code --resume} needs beyond the checkpoint: the student's and the teacher's full networks (backbone and
 * head, the student's drop-path copy included) and the position in the run. Written to its own directory
 * ({@code resume/}) so the checkpoint directory stays exactly the serving format.
 *
 * <p>Not restored: the AdamW moments and the loss centre c. Core's optimizer and loss keep them private; on resume
 * the moments restart from zero (Adam's bias correction makes that a short re-warm-up) and c re-converges within
 * about 1 / (1 - centre momentum) steps. Both are logged by the CLI when it resumes.
 */
public final class PretrainingState {

    public static final String STATE_FILE = "state.json";
    public static final String STUDENT_FILE = "student.params";
    public static final String TEACHER_FILE = "teacher.params";
    public static final String CENTER_FILE = "center.json";

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();

    /**
     * @param nextStep the first step a resumed run executes
     * @param seed the run's seed (a resumed run must use the same)
     * @param recipe the recipe deltas the run was started with
     */
    public record Position(long nextStep, long seed, Map<String, String> recipe) {}

    private PretrainingState() {}

    public static boolean exists(Path directory) {
        return Files.isRegularFile(directory.resolve(STATE_FILE));
    }

    /** Writes the state into {@code directory} via a sibling staging folder, replacing an older state atomically. */
    public static void save(Path directory, Position position, Block student, Block teacher, float[] center)
            throws IOException {
        Path target = directory.toAbsolutePath().normalize();
        Path staging = target.resolveSibling(target.getFileName() + ".tmp");
        DirectorySwap.deleteRecursively(staging);
        Files.createDirectories(staging);
        saveParameters(student, staging.resolve(STUDENT_FILE));
        saveParameters(teacher, staging.resolve(TEACHER_FILE));
        Files.writeString(staging.resolve(CENTER_FILE), GSON.toJson(center), StandardCharsets.UTF_8);
        Files.writeString(
                staging.resolve(STATE_FILE),
                GSON.toJson(Map.of(
                        "nextStep",
                        position.nextStep(),
                        "seed",
                        position.seed(),
                        "recipe",
                        new TreeMap<>(position.recipe()))),
                StandardCharsets.UTF_8);
        DirectorySwap.replace(staging, target);
    }

    /** Reads the position (for the CLI, before it builds the run). */
    public static Position readPosition(Path directory) throws IOException {
        String json = Files.readString(directory.resolve(STATE_FILE), StandardCharsets.UTF_8);
        Map<String, Object> state = GSON.fromJson(json, new TypeToken<Map<String, Object>>() {}.getType());
        Map<String, String> recipe = new TreeMap<>();
        Object stored = state.get("recipe");
        if (stored instanceof Map<?, ?> map) {
            map.forEach((key, value) -> recipe.put(String.valueOf(key), String.valueOf(value)));
        }
        return new Position(
                ((Number) state.get("nextStep")).longValue(), ((Number) state.get("seed")).longValue(), recipe);
    }

    /** Loads the student and teacher parameters saved by {@link #save} into blocks of the same architecture. */
    public static void loadNetworks(Path directory, Block student, Block teacher, NDManager manager)
            throws IOException {
        loadParameters(student, directory.resolve(STUDENT_FILE), manager);
        loadParameters(teacher, directory.resolve(TEACHER_FILE), manager);
    }

    private static void saveParameters(Block block, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out))) {
            block.saveParameters(data);
        }
    }

    private static void loadParameters(Block block, Path file, NDManager manager) throws IOException {
        try (InputStream in = Files.newInputStream(file);
                DataInputStream data = new DataInputStream(new BufferedInputStream(in))) {
            block.loadParameters(manager, data);
        } catch (MalformedModelException e) {
            throw new IOException(file + " does not match the recipe's architecture: " + e.getMessage(), e);
        }
    }
}
