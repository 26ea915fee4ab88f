package io.prosface.server.v2;

import java.util.List;
import java.util.Map;

/**
 * An inference request of the Open Inference Protocol v2, decoded from either transport.
 *
 * @param modelName model to run
 * @param modelVersion wanted version; empty: the current one
 * @param id client's request id, echoed back ("" when none)
 * @param parameters request parameters
 * @param inputs input tensors with their data
 * @param outputs requested outputs; empty: every output of the model
 */
public record V2InferRequest(
        String modelName,
        String modelVersion,
        String id,
        Map<String, Object> parameters,
        List<V2Tensor> inputs,
        List<RequestedOutput> outputs) {

    /** An output the client asks for, with its parameters. */
    public record RequestedOutput(String name, Map<String, Object> parameters) {}
}
