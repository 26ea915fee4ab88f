package io.prosface.server.v2;

import java.util.List;
import java.util.Map;

/**
 * The answer to a {@link V2InferRequest}.
 *
 * @param modelName the model that answered
 * @param modelVersion the version that answered (a head model asked without a version: the current one)
 * @param id the request's id
 * @param parameters response parameters ({@code backbone}, {@code heads})
 * @param outputs the requested outputs, in the model's order
 */
public record V2InferResponse(
        String modelName, String modelVersion, String id, Map<String, Object> parameters, List<V2Tensor> outputs) {}
