package io.prosface.server.v2;

import com.google.protobuf.ByteString;
import io.prosface.grpc.inference.InferParameter;
import io.prosface.grpc.inference.InferTensorContents;
import io.prosface.grpc.inference.ModelInferRequest;
import io.prosface.grpc.inference.ModelInferResponse;
import io.prosface.grpc.inference.ModelMetadataResponse;
import io.prosface.server.error.ServingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The gRPC side of the protocol: {@code inference.*} messages to and from the transport-free records. */
final class V2ProtoCodec {

    private V2ProtoCodec() {}

    static V2InferRequest decode(ModelInferRequest request) {
        int rawCount = request.getRawInputContentsCount();
        if (rawCount > 0 && rawCount != request.getInputsCount()) {
            throw ServingException.invalidArgument("raw_input_contents has " + rawCount + " entries for "
                    + request.getInputsCount() + " inputs; it needs one per input, in the order of inputs");
        }
        List<V2Tensor> inputs = new ArrayList<>();
        for (int index = 0; index < request.getInputsCount(); index++) {
            ModelInferRequest.InferInputTensor input = request.getInputs(index);
            long[] shape =
                    input.getShapeList().stream().mapToLong(Long::longValue).toArray();
            Map<String, Object> parameters = parameters(input.getParametersMap());
            if (rawCount > 0) {
                if (input.hasContents()) {
                    throw ServingException.invalidArgument("input '" + input.getName() + "' has contents although "
                            + "raw_input_contents is used; the protocol allows one or the other");
                }
                inputs.add(V2Tensors.fromRaw(
                        input.getName(),
                        input.getDatatype(),
                        shape,
                        parameters,
                        request.getRawInputContents(index).toByteArray()));
            } else {
                inputs.add(fromContents(input.getName(), input.getDatatype(), shape, parameters, input.getContents()));
            }
        }
        List<V2InferRequest.RequestedOutput> outputs = request.getOutputsList().stream()
                .map(output ->
                        new V2InferRequest.RequestedOutput(output.getName(), parameters(output.getParametersMap())))
                .toList();
        return new V2InferRequest(
                request.getModelName(),
                request.getModelVersion(),
                request.getId(),
                parameters(request.getParametersMap()),
                inputs,
                outputs);
    }

    private static V2Tensor fromContents(
            String name, String datatype, long[] shape, Map<String, Object> parameters, InferTensorContents contents) {
        return switch (datatype) {
            case V2Tensor.BYTES ->
                new V2Tensor(
                        name,
                        datatype,
                        shape,
                        parameters,
                        contents.getBytesContentsList().stream()
                                .map(ByteString::toByteArray)
                                .toList(),
                        null,
                        null);
            case V2Tensor.FP32 -> {
                float[] values = new float[contents.getFp32ContentsCount()];
                for (int index = 0; index < values.length; index++) {
                    values[index] = contents.getFp32Contents(index);
                }
                yield new V2Tensor(name, datatype, shape, parameters, null, values, null);
            }
            case V2Tensor.BOOL -> {
                boolean[] values = new boolean[contents.getBoolContentsCount()];
                for (int index = 0; index < values.length; index++) {
                    values[index] = contents.getBoolContents(index);
                }
                yield new V2Tensor(name, datatype, shape, parameters, null, null, values);
            }
            default -> new V2Tensor(name, datatype, shape, parameters, null, null, null);
        };
    }

    static ModelInferResponse encode(V2InferResponse response) {
        ModelInferResponse.Builder answer = ModelInferResponse.newBuilder()
                .setModelName(response.modelName())
                .setModelVersion(response.modelVersion())
                .setId(response.id())
                .putAllParameters(toProto(response.parameters()));
        for (V2Tensor output : response.outputs()) {
            InferTensorContents.Builder contents = InferTensorContents.newBuilder();
            if (output.floats() != null) {
                for (float value : output.floats()) {
                    contents.addFp32Contents(value);
                }
            } else if (output.bools() != null) {
                for (boolean value : output.bools()) {
                    contents.addBoolContents(value);
                }
            }
            ModelInferResponse.InferOutputTensor.Builder tensor = ModelInferResponse.InferOutputTensor.newBuilder()
                    .setName(output.name())
                    .setDatatype(output.datatype())
                    .putAllParameters(toProto(output.parameters()))
                    .setContents(contents);
            for (long dimension : output.shape()) {
                tensor.addShape(dimension);
            }
            answer.addOutputs(tensor);
        }
        return answer.build();
    }

    static ModelMetadataResponse metadata(V2Model model) {
        ModelMetadataResponse.Builder metadata = ModelMetadataResponse.newBuilder()
                .setName(model.name())
                .addAllVersions(model.versions())
                .setPlatform(model.platform());
        model.inputs().forEach(input -> metadata.addInputs(tensor(input)));
        model.outputs().forEach(output -> metadata.addOutputs(tensor(output)));
        return metadata.build();
    }

    private static ModelMetadataResponse.TensorMetadata tensor(V2TensorSpec spec) {
        ModelMetadataResponse.TensorMetadata.Builder tensor = ModelMetadataResponse.TensorMetadata.newBuilder()
                .setName(spec.name())
                .setDatatype(spec.datatype());
        for (long dimension : spec.shape()) {
            tensor.addShape(dimension);
        }
        return tensor.build();
    }

    private static Map<String, Object> parameters(Map<String, InferParameter> parameters) {
        Map<String, Object> values = new LinkedHashMap<>();
        parameters.forEach((name, parameter) -> values.put(
                name,
                switch (parameter.getParameterChoiceCase()) {
                    case BOOL_PARAM -> parameter.getBoolParam();
                    case INT64_PARAM -> parameter.getInt64Param();
                    case STRING_PARAM -> parameter.getStringParam();
                    case DOUBLE_PARAM -> parameter.getDoubleParam();
                    case UINT64_PARAM -> parameter.getUint64Param();
                    case PARAMETERCHOICE_NOT_SET -> "";
                }));
        return values;
    }

    private static Map<String, InferParameter> toProto(Map<String, Object> parameters) {
        Map<String, InferParameter> values = new LinkedHashMap<>();
        parameters.forEach((name, value) -> {
            InferParameter.Builder parameter = InferParameter.newBuilder();
            if (value instanceof Boolean flag) {
                parameter.setBoolParam(flag);
            } else if (value instanceof Long number) {
                parameter.setInt64Param(number);
            } else if (value instanceof Double number) {
                parameter.setDoubleParam(number);
            } else {
                parameter.setStringParam(String.valueOf(value));
            }
            values.put(name, parameter.build());
        });
        return values;
    }
}
