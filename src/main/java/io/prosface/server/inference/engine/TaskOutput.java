package io.prosface.server.inference.engine;

import java.util.List;

/**
 * One task's answer for one face.
 *
 * @param head the head that answered, {@code name@vN} (for the embedding: the backbone's version)
 * @param labels label names in value order (attributes, expressions); empty for landmarks and embedding
 * @param values probabilities (attributes: independent, expression: a distribution), landmark coordinates
 *     (interleaved x,y; in [0,1] of the model input until the analyzer maps them to image pixels) or the embedding
 */
public record TaskOutput(String head, List<String> labels, float[] values) {}
