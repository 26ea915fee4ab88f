package io.prosface.core.train;

import io.prosface.core.data.augment.MultiCropConfig;
import io.prosface.core.model.ProsHeadConfig;
import io.prosface.core.model.VisionTransformerConfig;

/**
 * Everything a pretraining run needs to know, typed. The CLI builds it from a recipe file; the numbers and their
 * meaning follow DINO's arguments.
 *
 * @param architecture backbone variant (its drop path is replaced by {@code dropPath} for the student)
 * @param head projection widths and K; its last layer is set by {@code loss} ({@link ProsHeadConfig#pros} or
 *     {@link ProsHeadConfig#dino}), whatever {@link ProsHeadConfig#normLastLayer()} it came with
 * @param loss {@link LossKind#PROS} or the {@link LossKind#DINO} ablation (plain, unnormalised last layer)
 * @param seed parameter initialisation, data order, augmentation and drop path
 * @param epochs passes over the data
 * @param maxSteps stop after this many steps (0 = no limit); the schedules still span {@code epochs}
 * @param batchSize images per step
 * @param baseLearningRate lr per 256 images (scaled linearly by the batch size)
 * @param minLearningRate end of the cosine decay
 * @param warmupEpochs linear lr warm-up
 * @param weightDecayStart λ at step 0
 * @param weightDecayEnd λ at the last step
 * @param gradientClip per-parameter gradient norm bound (0 = off)
 * @param freezeLastLayerEpochs epochs with the last layer (prototypes) frozen
 * @param studentTemperature τ_s
 * @param teacherTemperatureStart τ_t at epoch 0
 * @param teacherTemperature τ_t after the warm-up
 * @param teacherTemperatureWarmupEpochs length of the τ_t ramp
 * @param teacherMomentum EMA momentum m at step 0 (cosine to 1)
 * @param centerMomentum momentum of the centre c
 * @param centering how teacher similarities become targets (DINO's mean centre or Sinkhorn-Knopp)
 * @param dropPath student stochastic depth
 * @param views multi-crop augmentation settings
 * @param loaderThreads threads decoding and augmenting ahead of the step
 * @param prefetchBatches batches the loader may run ahead
 * @param checkpointEverySteps periodic checkpoint interval (0 = only at the end)
 * @param nanAtStep test hook: poison the inputs at this step so the loss turns NaN (-1 = never)
 * @param precision how the transformer blocks compute (master weights, optimizer and EMA stay float32)
 */
public record PretrainingSettings(
        VisionTransformerConfig architecture,
        ProsHeadConfig head,
        LossKind loss,
        long seed,
        int epochs,
        long maxSteps,
        int batchSize,
        double baseLearningRate,
        double minLearningRate,
        int warmupEpochs,
        double weightDecayStart,
        double weightDecayEnd,
        double gradientClip,
        int freezeLastLayerEpochs,
        double studentTemperature,
        double teacherTemperatureStart,
        double teacherTemperature,
        int teacherTemperatureWarmupEpochs,
        double teacherMomentum,
        double centerMomentum,
        TeacherCentering centering,
        double dropPath,
        MultiCropConfig views,
        int loaderThreads,
        int prefetchBatches,
        long checkpointEverySteps,
        long nanAtStep,
        Precision precision) {

    /** The transformer blocks' arithmetic. */
    public enum Precision {
        /** Float32 throughout. */
        FP32,
        /**
         * Autocast-style: linear layers, attention products and GELU in bfloat16 on float32 master weights
         * ({@code core.model.bf16.Bfloat16Autocast}).
         */
        BF16;

        public static Precision parse(String text) {
            try {
                return valueOf(text.strip().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException unknown) {
                throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + text + "'");
            }
        }
    }

    /** Which last layer and therefore which self-distillation objective. */
    public enum LossKind {
        /** ProS: cosine similarities to L2-normalised learnable prototypes. */
        PROS,
        /**
         * Ablation: a plain linear last layer (unnormalised), as a generic DINO head without weight norm
         * ({@link ProsHeadConfig#dino}).
         */
        DINO;

        /** Parses "pros" or "dino". */
        public static LossKind parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "pros" -> PROS;
                case "dino" -> DINO;
                default -> throw new IllegalArgumentException("loss must be pros or dino, got '" + text + "'");
            };
        }
    }

    public PretrainingSettings {
        java.util.Objects.requireNonNull(precision, "precision");
        head = head.withNormLastLayer(loss == LossKind.PROS);
        if (epochs < 1 || batchSize < 2 || maxSteps < 0) {
            throw new IllegalArgumentException("need epochs >= 1, batch size >= 2 and max steps >= 0");
        }
        if (warmupEpochs > epochs) {
            throw new IllegalArgumentException(
                    "warm-up (" + warmupEpochs + " epochs) is longer than the run (" + epochs + " epochs)");
        }
        if (views.globalSize() != architecture.imageSize()) {
            throw new IllegalArgumentException("global views must be " + architecture.imageSize() + " px for "
                    + architecture.name() + ", got " + views.globalSize());
        }
        if (views.localCropCount() < 1) {
            throw new IllegalArgumentException("self-distillation needs at least one local crop");
        }
    }

    /** The student's backbone numbers: the variant with the recipe's drop path. */
    public VisionTransformerConfig studentArchitecture() {
        VisionTransformerConfig a = architecture;
        return new VisionTransformerConfig(
                a.name(), a.imageSize(), a.patchSize(), a.embedDim(), a.depth(), a.numHeads(), a.mlpRatio(), dropPath);
    }
}
