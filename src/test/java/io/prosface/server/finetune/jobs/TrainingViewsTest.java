package io.prosface.server.finetune.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prosface.core.data.DecodedImage;
import io.prosface.core.data.ExifJpeg;
import io.prosface.core.data.FaceBox;
import io.prosface.core.data.FacePreprocessor;
import io.prosface.core.data.ImageDecoder;
import io.prosface.core.data.Preprocessing;
import io.prosface.core.data.SixteenBitPng;
import io.prosface.core.model.HeadKind;
import io.prosface.detect.FaceDetector;
import io.prosface.server.TestImages;
import io.prosface.server.finetune.upload.Example;
import io.prosface.server.inference.analysis.ImageDecoding;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A job trains on what predictions see: a phone photo stored sideways with an EXIF Orientation tag is turned upright
 * before its face is found and cut, and its landmark labels (in the upright pixels a photo viewer shows) land on the
 * same face; a large image is decoded subsampled under the same memory plan. The decode here is the serving one
 * ({@link ImageDecoder#plan} + {@link ImageDecoder#decodeUpright}, as {@link ImageDecoding} runs it, without the
 * shared budget).
 */
class TrainingViewsTest {

    /** Serving's default decode-memory plan, pros.input.max-decoded-bytes. */
    private static final long MAX_DECODED_BYTES = 64L << 20;

    private static final ImageDecoder DECODER = new ImageDecoder(10L << 20, 16_000_000, MAX_DECODED_BYTES);
    private static final TrainingViews.ExampleDecoder SERVING_DECODE =
            bytes -> new ImageDecoding.Decoded(DECODER.decodeUpright(bytes, DECODER.plan(bytes)), () -> {});
    private static final FacePreprocessor PREPROCESSOR = new FacePreprocessor(Preprocessing.imagenet(64), DECODER);

    private static FaceDetector detector;
    private static Function<BufferedImage, FaceBox> largestFace;

    @BeforeAll
    static void loadDetector() {
        detector = new FaceDetector();
        largestFace = image -> {
            List<io.prosface.detect.FaceBox> faces = detector.detect(image, 1);
            return faces.isEmpty()
                    ? null
                    : new FaceBox(
                            faces.get(0).x(),
                            faces.get(0).y(),
                            faces.get(0).width(),
                            faces.get(0).height());
        };
    }

    @AfterAll
    static void closeDetector() {
        detector.close();
    }

    @ParameterizedTest(name = "EXIF orientation {0}")
    @ValueSource(ints = {6, 8})
    void aPortraitJpegInAFineTuneArchiveIsUprighted(int orientation) throws IOException {
        BufferedImage upright = ImageIO.read(new ByteArrayInputStream(TestImages.lfpwJpeg()));
        // 6: a viewer turns the stored pixels 90° clockwise, so they hold the upright face turned counter-clockwise
        BufferedImage stored =
                orientation == 6 ? TestImages.turnCounterClockwise(upright) : TestImages.turnClockwise(upright);
        byte[] phonePhoto = ExifJpeg.withOrientation(TestImages.encode(stored, "jpg"), orientation, orientation == 6);
        float[] points = TestImages.lfpwPoints(TestImages.LFPW_FACE); // labelled on the upright photo
        assertNotNull(largestFace.apply(upright), "the detector finds the upright face");

        TrainingViews.Views turned = views(phonePhoto, points);
        TrainingViews.Views reference = views(TestImages.encode(upright, "jpg"), points);

        // exactly what a prediction on the same bytes feeds the model: upright decode, the detector's face, the crop
        DecodedImage served = DECODER.decodeUpright(phonePhoto, DECODER.plan(phonePhoto));
        float[] predictionInput = PREPROCESSOR
                .prepare(served.pixels(), largestFace.apply(served.pixels()))
                .pixels();
        assertArrayEquals(predictionInput, turned.pixels().get(0), "the job's view is the prediction's model input");

        double difference = meanAbsoluteDifference(
                reference.pixels().get(0), turned.pixels().get(0));
        assertTrue(
                difference < 0.1,
                "the turned photo trains on the upright face (mean difference " + difference
                        + " of normalised pixels; trained sideways it is above 1)");
        float[] expected = reference.targets().get(0);
        float[] actual = turned.targets().get(0);
        assertEquals(expected.length, actual.length);
        for (int index = 0; index < expected.length; index++) {
            assertEquals(
                    expected[index],
                    actual[index],
                    0.03f,
                    "landmark target " + index + " (in [0, 1] of the model input) lands on the same face point");
        }
    }

    @Test
    void aSixteenBitPngThatDecodesTo160MegabytesIsTrainedSubsampledWithItsLandmarksScaled() {
        byte[] png = SixteenBitPng.grey(4000, 4000, 128); // 16 M pixels x (6 + 4) bytes at full size
        assertEquals(2, DECODER.plan(png).subsampling(), "the plan subsamples it under 64 MiB");
        float[] corner = {0, 0, 3999, 3999};
        TrainingViews.Views views = new TrainingViews(PREPROCESSOR, SERVING_DECODE, null)
                .build(List.of(new Example("big.png", png, corner)), List.of(0), HeadKind.LANDMARKS, 0, 1, () -> {});
        float[] target = views.targets().get(0);
        // full-size labels are mapped into the subsampled pixels: the corners stay the crop's corners
        assertEquals(0f, target[0], 0.01f);
        assertEquals(1f, target[2], 0.01f);
    }

    private static TrainingViews.Views views(byte[] image, float[] points) {
        return new TrainingViews(PREPROCESSOR, SERVING_DECODE, largestFace)
                .build(
                        List.of(new Example("photo.jpg", image, points)),
                        List.of(0),
                        HeadKind.LANDMARKS,
                        0,
                        1,
                        () -> {});
    }

    private static double meanAbsoluteDifference(float[] expected, float[] actual) {
        double sum = 0;
        for (int index = 0; index < expected.length; index++) {
            sum += Math.abs(expected[index] - actual[index]);
        }
        return sum / expected.length;
    }
}
