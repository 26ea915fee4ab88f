package io.prosface.server.finetune.upload;

import io.prosface.server.config.FineTuneConfig;
import java.util.List;
import java.util.Map;

/**
 * The optional training fields of the upload form, with their defaults ({@code pros.finetune.defaults.*}) and ranges:
 * the one table that both reads an upload's fields ({@link SpecForm}) and answers {@code GET /v1/finetune/options}.
 * {@code unfrozen_blocks} goes up to the served backbone's depth; {@link #POINTS} is the landmark kind's own field.
 */
public final class FormOptions {

    /** Landmarks per face of a landmark head (else the manifest's point count); not a training option. */
    public static final FormOption POINTS = FormOption.integer(
            "points", null, 1, 500, "landmark heads: points per face (else counted from the manifest)");

    private final FormOption epochs;
    private final FormOption learningRate;
    private final FormOption batchSize;
    private final FormOption validationSplit;
    private final FormOption unfrozenBlocks;
    private final FormOption augmentedViews;
    private final FormOption seed;
    private final FormOption promote;
    private final FormOption crop;

    /**
     * @param depth transformer blocks of the served backbone: the most {@code unfrozen_blocks} may ask for
     * @param backbone its architecture name, shown in the field's description
     */
    public FormOptions(FineTuneConfig.Defaults defaults, int depth, String backbone) {
        epochs = FormOption.integer("epochs", defaults.epochs(), 1, 2000, "passes over the training examples");
        learningRate = FormOption.number(
                "learning_rate",
                defaults.learningRate(),
                1e-6,
                1.0,
                "peak AdamW learning rate of the head (warm-up, then cosine decay)");
        batchSize = FormOption.integer("batch_size", defaults.batchSize(), 1, 512, "examples per optimiser step");
        validationSplit = FormOption.number(
                "validation_split",
                defaults.validationSplit(),
                0.0,
                0.5,
                "share of the examples held out for validation metrics; 0: none");
        unfrozenBlocks = FormOption.integer(
                "unfrozen_blocks",
                0,
                0,
                depth,
                "0: frozen backbone, only the head "
                        + "trains; k: also train the last k transformer blocks of the served backbone " + backbone
                        + " (depth " + depth + ") at a tenth of the head's learning rate");
        augmentedViews = FormOption.integer(
                "augmented_views",
                defaults.augmentedViews(),
                0,
                8,
                "augmented copies per training image, next to the plain view");
        seed = FormOption.integer(
                "seed",
                0,
                Integer.MIN_VALUE,
                Integer.MAX_VALUE,
                "seed of the split, the augmentations and the batch order");
        promote = FormOption.bool(
                "promote",
                true,
                "make the new version current for its name once published (else the previous current stays)");
        crop = FormOption.choice(
                "crop",
                List.of("detect", "none"),
                "detect: crop each training image around its largest detected face, as serving does; none: whole image");
    }

    /** Every optional training field, in form order. */
    public List<FormOption> all() {
        return List.of(
                epochs, learningRate, batchSize, validationSplit, unfrozenBlocks, augmentedViews, seed, promote, crop);
    }

    /** Whether {@code field} is one of {@link #all()}. */
    public boolean has(String field) {
        return all().stream().anyMatch(option -> option.name().equals(field));
    }

    /** The training options of a form: its fields where set, else the defaults; 400 naming a field out of range. */
    TrainingOptions read(Map<String, String> form) {
        return new TrainingOptions(
                epochs.readInteger(form),
                learningRate.readNumber(form),
                batchSize.readInteger(form),
                validationSplit.readNumber(form),
                unfrozenBlocks.readInteger(form),
                augmentedViews.readInteger(form),
                seed.readInteger(form),
                promote.readBoolean(form),
                crop.readChoice(form).equals("detect"));
    }
}
