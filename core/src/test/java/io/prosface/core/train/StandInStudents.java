package io.prosface.core.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.prosface.core.model.ProsHead;
import io.prosface.core.model.VisionTransformer;
import io.prosface.core.model.VisionTransformerConfig;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/** Small networks that stand in for "ViT backbone + ProS head" in the training tests. */
final class StandInStudents {

    private StandInStudents() {}

    /**
     * A student architecture for the training tests: a factory of images -> similarities blocks (B, K), the image
     * side it is built for, and the selector of its prototype parameters.
     *
     * @param factory builds a fresh, uninitialised network with K prototypes
     * @param peakLearningRate AdamW peak rate of the 50-step run (a ViT needs a far smaller one than the conv net)
     */
    record StudentSpec(
            String name,
            IntFunction<Block> factory,
            int imageSize,
            Predicate<String> lastLayer,
            double peakLearningRate) {

        /** A new network, initialised for (1, 3, imageSize, imageSize) images. */
        Block create(NDManager manager, int numPrototypes) {
            Block block = factory.apply(numPrototypes);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, imageSize, imageSize));
            return block;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A tiny convolutional student; global average pooling makes it accept any view size. */
    static StudentSpec convolutional() {
        return convolutional(256);
    }

    /**
     * @param bottleneck width of the L2-normalised features compared with the prototypes (ProsHead: 256); a wide
     *     bottleneck makes random initial similarities small, so the teacher starts near uniform as in ProS
     */
    static StudentSpec convolutional(int bottleneck) {
        IntFunction<Block> factory = numPrototypes -> new SequentialBlock()
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .setFilters(16)
                        .build())
                .add(Activation::gelu)
                .add(Conv2d.builder()
                        .setKernelShape(new Shape(3, 3))
                        .optPadding(new Shape(1, 1))
                        .optStride(new Shape(2, 2))
                        .setFilters(32)
                        .build())
                .add(Activation::gelu)
                .add(Pool.globalAvgPool2dBlock())
                .add(Linear.builder().setUnits(64).build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(bottleneck).build())
                .add(new CosinePrototypes(numPrototypes));
        return new StudentSpec("tiny-conv", factory, 16, name -> name.endsWith("prototypes"), 2e-2);
    }

    /**
     * The real thing at test size: the micro ViT with a ProS head (projection to a 256-wide bottleneck, L2-normalised
     * prototypes), 32 px global views and 16 px local views (position embedding interpolated to the 2x2 grid).
     */
    static StudentSpec microVisionTransformer() {
        VisionTransformerConfig config = VisionTransformerConfig.variant("vit_micro_patch8_32");
        IntFunction<Block> factory = numPrototypes -> new BackboneWithHead(
                new VisionTransformer(config), new ProsHead(config.embedDim(), 128, 256, numPrototypes));
        return new StudentSpec(config.name(), factory, config.imageSize(), name -> name.contains("prototypes"), 1e-3);
    }

    /** Linear + GELU + Linear + prototypes on flat 4-vectors: small enough to check by hand. */
    static Block multilayerPerceptron(int numPrototypes) {
        return new SequentialBlock()
                .add(Linear.builder().setUnits(8).build())
                .add(Activation::gelu)
                .add(Linear.builder().setUnits(6).build())
                .add(new CosinePrototypes(numPrototypes));
    }
}
