package io.prosface.server.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Guards on untrusted input, applied before any pixel is decoded. */
@ConfigMapping(prefix = "pros.input")
public interface InputConfig {

    /** Largest encoded image accepted, in bytes (more: HTTP 413 / gRPC RESOURCE_EXHAUSTED). */
    @WithDefault("10485760")
    long maxImageBytes();

    /** Largest width x height accepted, read from the image header before decoding (decompression bombs). */
    @WithDefault("40000000")
    long maxPixels();

    /** Faces answered per image when the request sets no limit ({@code max_faces} 0). */
    @WithDefault("10")
    int defaultMaxFaces();

    /** Largest {@code max_faces} a request may ask for; more is INVALID_ARGUMENT. */
    @WithDefault("100")
    int maxFacesLimit();
}
