package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Guards on untrusted input, applied before any pixel is decoded. */
@ConfigMapping(prefix = "pros.input")
public interface InputConfig {

    /** Largest encoded image accepted, in bytes (more: HTTP 413 / gRPC RESOURCE_EXHAUSTED). */
    @WithDefault("10485760")
    long maxImageBytes();

    /** Largest width x height accepted, read from the image header before decoding (decompression bombs). */
    @WithDefault("40000000")
    long maxPixels();

    /**
     * Heap one image may take once decoded: width x height x (bytes per pixel from the header, e.g. 6 for 16-bit RGB,
     * plus 4 for the RGB copy, plus 4 more when the EXIF orientation turns it). A larger image is decoded subsampled
     * (every 2nd, 3rd, ... pixel of each axis) to fit; answers stay in its full-size pixels.
     */
    @WithDefault("67108864")
    long maxDecodedBytes();

    /**
     * Heap all requests' decoded images may take at once. A request whose image does not fit waits up to
     * {@link #decodeWait()} for others to finish, then gets RESOURCE_EXHAUSTED / HTTP 429 with Retry-After.
     */
    @WithDefault("268435456")
    long decodeMemoryBudget();

    /** Longest wait for room in {@link #decodeMemoryBudget()} (never past the request's deadline). */
    @WithDefault("2s")
    Duration decodeWait();

    /** Faces answered per image when the request sets no limit ({@code max_faces} 0). */
    @WithDefault("10")
    int defaultMaxFaces();

    /** Largest {@code max_faces} a request may ask for; more is INVALID_ARGUMENT. */
    @WithDefault("100")
    int maxFacesLimit();
}
