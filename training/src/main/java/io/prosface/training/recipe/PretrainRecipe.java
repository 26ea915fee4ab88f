package io.prosface.training.recipe;

import io.prosface.core.data.augment.MultiCropConfig;
import io.prosface.core.model.ProsHeadConfig;
import io.prosface.core.model.VisionTransformerConfig;
import io.prosface.core.train.PretrainingSettings;
import io.prosface.core.train.TeacherCentering;

/** Maps a recipe's keys onto core's typed {@link PretrainingSettings}. */
public final class PretrainRecipe {

    private PretrainRecipe() {}

    public static PretrainingSettings settings(RecipeProperties recipe) {
        VisionTransformerConfig architecture = VisionTransformerConfig.variant(recipe.string("architecture"));
        int size = architecture.imageSize();
        int localSize = recipe.integer("local.crops.size");
        if (localSize == 0) {
            // DINO's 96/224 of the global side, rounded to whole patches (at least 2 per side)
            int patches = Math.max(2, (int) Math.round(size * 3.0 / 7.0 / architecture.patchSize()));
            localSize = patches * architecture.patchSize();
        }
        double[] globalScale = recipe.range("global.crops.scale");
        double[] localScale = recipe.range("local.crops.scale");
        MultiCropConfig views = MultiCropConfig.dino(size, localSize, recipe.integer("local.crops.number"))
                .withScales(globalScale[0], globalScale[1], localScale[0], localScale[1])
                .withColor(
                        recipe.number("color.jitter.probability"),
                        recipe.number("grayscale.probability"),
                        recipe.number("solarization.probability"));
        PretrainingSettings.LossKind loss = PretrainingSettings.LossKind.parse(recipe.string("loss"));
        int hidden = recipe.integer("head.hidden.dim");
        int bottleneck = recipe.integer("head.bottleneck.dim");
        int prototypes = recipe.integer("prototypes");
        // loss=dino: the same head with DINO's unnormalised last layer (normLastLayer=false), the ablation
        ProsHeadConfig head = loss == PretrainingSettings.LossKind.PROS
                ? ProsHeadConfig.pros(hidden, bottleneck, prototypes)
                : ProsHeadConfig.dino(hidden, bottleneck, prototypes);
        return new PretrainingSettings(
                architecture,
                head,
                loss,
                recipe.longValue("seed"),
                recipe.integer("epochs"),
                recipe.longValue("max.steps"),
                recipe.integer("batch.size"),
                recipe.number("lr"),
                recipe.number("min.lr"),
                recipe.integer("warmup.epochs"),
                recipe.number("weight.decay"),
                recipe.number("weight.decay.end"),
                recipe.number("clip.grad"),
                recipe.integer("freeze.last.layer.epochs"),
                recipe.number("student.temperature"),
                recipe.number("teacher.temperature.warmup"),
                recipe.number("teacher.temperature"),
                recipe.integer("teacher.temperature.warmup.epochs"),
                recipe.number("teacher.momentum"),
                recipe.number("center.momentum"),
                TeacherCentering.parse(recipe.string("teacher.centering")),
                recipe.number("drop.path"),
                views,
                recipe.integer("loader.threads"),
                recipe.integer("loader.prefetch"),
                recipe.longValue("checkpoint.every.steps"),
                recipe.longValue("debug.nan.at.step"),
                PretrainingSettings.Precision.parse(recipe.string("precision")));
    }
}
