package io.prosface.server.v2;

import io.prosface.server.inference.registry.HeadSelector;
import java.util.List;
import java.util.Optional;

/**
 * A v2 model at one version: {@code pros-face} (the backbone with its default heads) or one head by name.
 *
 * @param name the model name clients use
 * @param version the version this describes (for a head: the requested one, else the current one)
 * @param versions every version loaded, as strings
 * @param platform the protocol's platform string
 * @param inputs input tensors
 * @param outputs output tensors, in the order an answer lists them
 * @param head for a head model the head and version to run; empty for pros-face (the default heads)
 */
public record V2Model(
        String name,
        String version,
        List<String> versions,
        String platform,
        List<V2TensorSpec> inputs,
        List<V2TensorSpec> outputs,
        Optional<HeadSelector> head) {

    public Optional<V2TensorSpec> output(String outputName) {
        return outputs.stream()
                .filter(output -> output.name().equals(outputName))
                .findFirst();
    }

    public Optional<V2TensorSpec> input(String inputName) {
        return inputs.stream().filter(input -> input.name().equals(inputName)).findFirst();
    }

    public List<String> outputNames() {
        return outputs.stream().map(V2TensorSpec::name).toList();
    }
}
