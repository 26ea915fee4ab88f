package io.prosface.server.render;

import io.prosface.core.data.DecodedImage;
import io.prosface.server.inference.analysis.AnalysisRequest;
import io.prosface.server.inference.analysis.AnalysisResult;
import io.prosface.server.inference.analysis.FaceAnalyzer;
import io.prosface.server.inference.analysis.ImageDecoding;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The analysis answer drawn on the image: {@link FaceAnalyzer} answers, then the same bytes are decoded once more with
 * the analyzer's own decoder and {@link ImageDecoding} (same limits, EXIF orientation, subsampling and decode-memory
 * budget, so the same upright pixels the answer's coordinates refer to), painted ({@link AnswerPainter}) and encoded.
 *
 * <p>Why decode twice: the analyzer gives its decoded pixels, and their share of the decode-memory budget, back as
 * soon as it answers; keeping them for the drawing would hold that share across the model's queue for every request
 * of every route. A second decode costs a few milliseconds on a face photo, and holds memory only while drawing.
 *
 * <p>Decoding, painting and encoding (a PNG of a photo takes tens of milliseconds) run on {@code executor} (the
 * server's worker pool), never on the model worker that completes the analysis nor on an event loop.
 */
@ApplicationScoped
public class AnswerRenderer {

    /**
     * An encoded picture of the answer.
     *
     * @param faces how many faces the answer has (and the picture shows)
     * @param subsampling the picture's pixels are every {@code subsampling}-th of the upright image's (1: full size;
     *     more only for images over {@code pros.input.max-decoded-bytes}, which the server never holds at full size)
     */
    public record Rendered(byte[] bytes, PictureFormat format, int faces, int subsampling) {}

    private final FaceAnalyzer analyzer;
    private final ImageDecoding decoding;

    private final AnswerPainter painter = new AnswerPainter();

    @Inject
    AnswerRenderer(FaceAnalyzer analyzer, ImageDecoding decoding) {
        this.analyzer = analyzer;
        this.decoding = decoding;
    }

    /** Never throws: a refused request or a failed analysis is a failed future, as with {@link FaceAnalyzer}. */
    public CompletableFuture<Rendered> render(
            AnalysisRequest request, Set<AnswerPainter.Layer> layers, PictureFormat format, Executor executor) {
        CompletableFuture<AnalysisResult> analysis = analyzer.analyze(request);
        CompletableFuture<Rendered> rendered =
                analysis.thenApplyAsync(result -> draw(request, result, layers, format), executor);
        // cancelling the picture (client gone) cancels the analysis too, which drops faces still queued
        rendered.whenComplete((picture, failure) -> analysis.cancel(false));
        return rendered;
    }

    private Rendered draw(
            AnalysisRequest request, AnalysisResult result, Set<AnswerPainter.Layer> layers, PictureFormat format) {
        try (ImageDecoding.Decoded held = decoding.decode(
                analyzer.decoder(), request.image(), decoding.decodeWaitNanos(), request.deadlineNanos())) {
            DecodedImage image = held.image();
            painter.paint(image.pixels(), result, 1.0 / image.subsampling(), layers);
            return new Rendered(
                    format.encode(image.pixels()), format, result.faces().size(), image.subsampling());
        }
    }
}
