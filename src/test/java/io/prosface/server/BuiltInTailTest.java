package io.prosface.server;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Activation;
import ai.djl.training.ParameterStore;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.model.BackboneTail;
import io.prosface.core.model.Checkpoint;
import io.prosface.core.model.VisionTransformer;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint whose built-in expression head carries its own last block is served over REST: the expression answer
 * is the core computation prefix -> tail -> head, the plain heads and the embedding still read the full backbone.
 */
@QuarkusTest
@WithTestResource(value = TailedCheckpoint.class, scope = TestResourceScope.RESTRICTED_TO_CLASS)
class BuiltInTailTest {

    private static final FaceBox BOX = new FaceBox(16, 16, 64, 64);

    @Test
    void aTailedBuiltInHeadAnswersLikePrefixTailHead() throws Exception {
        byte[] image = noisePng();
        JsonPath answer = given().contentType("image/png")
                .body(image)
                .when()
                .post("/v1/analyze?tasks=attributes,expression,embedding&box=16,16,64,64")
                .then()
                .statusCode(200)
                .extract()
                .jsonPath();
        try (NDManager manager = NDManager.newBaseManager()) {
            Checkpoint checkpoint = Checkpoint.load(TailedCheckpoint.DIRECTORY, manager);
            VisionTransformer backbone = checkpoint.backbone();
            ParameterStore store = new ParameterStore(manager, false);
            float[] pixels = new FacePreprocessor(checkpoint.config().preprocessing(), ImageDecoder.withDefaultLimits())
                    .prepare(image, BOX)
                    .pixels();
            NDArray images = FacePreprocessor.stack(manager, List.of(pixels), 32);
            NDList full = backbone.forward(store, new NDList(images), false);
            BackboneTail tail = checkpoint.tail("expression").orElseThrow();
            NDList own = tail.forward(
                    store,
                    new NDList(backbone.runBlocks(
                            store, backbone.embed(store, images, false), 0, tail.inputDepth(), false)),
                    false);

            float[] expected = checkpoint
                    .heads()
                    .get("expression")
                    .forward(store, own, false)
                    .head()
                    .softmax(-1)
                    .toFloatArray();
            assertArrayEquals(expected, served(answer, "faces[0].expression.distribution"), 1e-5f);
            float[] onBackbone = checkpoint
                    .heads()
                    .get("expression")
                    .forward(store, full, false)
                    .head()
                    .softmax(-1)
                    .toFloatArray();
            assertFalse(
                    java.util.Arrays.equals(onBackbone, expected), "the tail must matter for this test to mean much");

            float[] attributes = Activation.sigmoid(checkpoint
                            .heads()
                            .get("attributes")
                            .forward(store, full, false)
                            .head())
                    .toFloatArray();
            assertArrayEquals(attributes, served(answer, "faces[0].attributes.labels"), 1e-5f);
            NDArray classToken = full.get(0);
            float[] embedding =
                    classToken.div(classToken.norm(new int[] {1}, true)).toFloatArray();
            List<Number> values = answer.getList("faces[0].embedding.values");
            assertEquals(embedding.length, values.size());
            for (int index = 0; index < embedding.length; index++) {
                assertEquals(embedding[index], values.get(index).floatValue(), 1e-5f, "embedding " + index);
            }
        }
        assertEquals(
                Map.of("name", "expression", "version", "v1"),
                answer.getMap("model.heads.find { it.task == 'expression' }.head"));
    }

    /** Probabilities in label order of a list of {label, probability}. */
    private static float[] served(JsonPath answer, String path) {
        List<Map<String, Object>> labels = answer.getList(path);
        float[] values = new float[labels.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = ((Number) labels.get(index).get("probability")).floatValue();
        }
        return values;
    }

    /** Lossless random colours: the server and the test decode exactly the same pixels. */
    private static byte[] noisePng() {
        BufferedImage image = new BufferedImage(96, 96, BufferedImage.TYPE_INT_RGB);
        SplittableRandom random = new SplittableRandom(7);
        for (int y = 0; y < 96; y++) {
            for (int x = 0; x < 96; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return TestImages.encode(image, "png");
    }
}
