package io.prosface.server.inference.analysis;

import io.prosface.core.data.DecodePlan;
import io.prosface.core.data.DecodedImage;
import io.prosface.core.data.ImageDecoder;
import io.prosface.server.config.InferenceConfig;
import io.prosface.server.config.InputConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The one guarded way the server turns untrusted image bytes into pixels, for predictions and fine-tuning alike:
 * {@link ImageDecoder#plan} reads the header (byte, pixel and format guards, bytes per pixel, EXIF orientation) and
 * picks the subsampling that keeps the image under {@code pros.input.max-decoded-bytes}; the decode then waits for
 * its share of the replica's {@code pros.input.decode-memory-budget} ({@link DecodeBudget}, shared by every
 * request, upload and job); {@link ImageDecoder#decodeUpright} decodes it turned upright. So an image is seen the
 * same way by a job that trains on it and by a prediction that answers for it.
 */
@ApplicationScoped
public class ImageDecoding {

    /** An upright image holding its share of the decode budget until closed (closing twice is harmless). */
    public record Decoded(DecodedImage image, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    private final InputConfig input;
    private final InferenceConfig inference;

    private DecodeBudget budget;

    @Inject
    ImageDecoding(InputConfig input, InferenceConfig inference) {
        this.input = input;
        this.inference = inference;
    }

    @PostConstruct
    void start() {
        budget = new DecodeBudget(input.decodeMemoryBudget(), inference.retryAfter());
    }

    /** A decoder with these byte and pixel limits and the served decode-memory plan. */
    public ImageDecoder decoder(long maxBytes, long maxPixels) {
        return new ImageDecoder(maxBytes, maxPixels, input.maxDecodedBytes());
    }

    /** How long a decode waits for room in the budget ({@code pros.input.decode-wait}). */
    public long decodeWaitNanos() {
        return input.decodeWait().toNanos();
    }

    /**
     * Plans, waits for the image's share of the budget (at most {@code waitNanos}, never past {@code deadlineNanos}:
     * 429 / 504 otherwise) and decodes upright. Bad bytes throw {@link io.prosface.core.data.InvalidImageException}
     * before anything is taken from the budget; the caller closes the result when its pixels are no longer needed.
     */
    public Decoded decode(ImageDecoder decoder, byte[] bytes, long waitNanos, long deadlineNanos) {
        DecodePlan plan = decoder.plan(bytes);
        DecodeBudget.Lease lease = budget.acquire(plan.decodedBytes(), waitNanos, deadlineNanos);
        try {
            return new Decoded(decoder.decodeUpright(bytes, plan), lease::close);
        } catch (RuntimeException | Error failure) {
            lease.close();
            throw failure;
        }
    }
}
