package io.prosface.server.inference.registry;

import ai.djl.ndarray.NDManager;
import io.prosface.core.data.Expression;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.CheckpointConfig;
import io.prosface.core.model.HeadConfig;
import io.prosface.core.model.HeadKind;
import io.prosface.core.model.VisionTransformerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Writes a randomly initialised checkpoint with the three face heads (attributes with the 40 CelebA names,
 * expression, 68 landmarks): a stand-in that lets the server start, and tests run, before a trained model exists.
 * Its answers are structurally right and meaningless.
 *
 * <p>Command: {@code java -cp "server/target/quarkus-app/lib/main/*:server/target/quarkus-app/app/*"
 * io.prosface.server.inference.registry.RandomCheckpoint <directory> [architecture]} (default vit_micro_patch8_32).
 */
public final class RandomCheckpoint {

    /** The 40 CelebA attributes in the order of {@code list_attr_celeba.txt}. */
    public static final List<String> CELEBA_ATTRIBUTES = List.of(
            "5_o_Clock_Shadow",
            "Arched_Eyebrows",
            "Attractive",
            "Bags_Under_Eyes",
            "Bald",
            "Bangs",
            "Big_Lips",
            "Big_Nose",
            "Black_Hair",
            "Blond_Hair",
            "Blurry",
            "Brown_Hair",
            "Bushy_Eyebrows",
            "Chubby",
            "Double_Chin",
            "Eyeglasses",
            "Goatee",
            "Gray_Hair",
            "Heavy_Makeup",
            "High_Cheekbones",
            "Male",
            "Mouth_Slightly_Open",
            "Mustache",
            "Narrow_Eyes",
            "No_Beard",
            "Oval_Face",
            "Pale_Skin",
            "Pointy_Nose",
            "Receding_Hairline",
            "Rosy_Cheeks",
            "Sideburns",
            "Smiling",
            "Straight_Hair",
            "Wavy_Hair",
            "Wearing_Earrings",
            "Wearing_Hat",
            "Wearing_Lipstick",
            "Wearing_Necklace",
            "Wearing_Necktie",
            "Young");

    private RandomCheckpoint() {}

    /** Writes the checkpoint to {@code directory} (must not exist or be empty). */
    public static void write(Path directory, String architectureName) throws IOException {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant(architectureName);
        List<HeadConfig> heads = List.of(
                new HeadConfig("attributes", 1, HeadKind.ATTRIBUTES, CELEBA_ATTRIBUTES),
                new HeadConfig("expression", 1, HeadKind.EXPRESSION, Expression.labels()),
                new HeadConfig(
                        "landmarks",
                        1,
                        HeadKind.LANDMARKS,
                        IntStream.range(0, 68).mapToObj(Integer::toString).toList()));
        CheckpointConfig config = new CheckpointConfig(
                architecture,
                Preprocessing.imagenet(architecture.imageSize()),
                null,
                heads,
                Map.of("init", "random"),
                "none: randomly initialised stand-in for tests");
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint.initialized(config, manager).save(directory);
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: RandomCheckpoint <directory> [architecture, default vit_micro_patch8_32]");
            System.exit(2);
        }
        Path directory = Path.of(args[0]);
        if (Files.isDirectory(directory) && Files.exists(directory.resolve(Checkpoint.CONFIG_FILE))) {
            System.out.println("checkpoint already present in " + directory);
            return;
        }
        write(directory, args.length == 2 ? args[1] : "vit_micro_patch8_32");
        System.out.println("wrote a random checkpoint to " + directory);
    }
}
