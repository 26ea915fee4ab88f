package io.prosface.server.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prosface.server.error.ServingException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The REST side of the protocol: JSON to and from the transport-free records, including the binary-data extension
 * (a JSON header of {@code Inference-Header-Content-Length} bytes followed by raw tensor data; inputs say their size
 * with the {@code binary_data_size} parameter, outputs are returned raw when asked with {@code binary_data}).
 *
 * <p>BYTES elements in JSON {@code data} are base64 strings (images are binary; the protocol's JSON has only text).
 * FP32 values that are NaN (rows of images without a face) are written as JSON {@code null}, which JSON needs since
 * it has no NaN; as input, {@code null} reads as NaN.
 */
final class V2JsonCodec {

    static final String BINARY_DATA_SIZE = "binary_data_size";
    static final String BINARY_DATA = "binary_data";
    static final String BINARY_DATA_OUTPUT = "binary_data_output";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private V2JsonCodec() {}

    /** An encoded answer: the bytes and, for a binary answer, the length of its JSON header. */
    record Encoded(byte[] body, int headerLength, boolean binary) {}

    /**
     * Parses an infer request; {@code headerLength} is the {@code Inference-Header-Content-Length} (-1: the whole
     * body is JSON).
     */
    static V2InferRequest decode(
            ObjectMapper mapper, String modelName, String modelVersion, byte[] body, int headerLength) {
        if (headerLength > body.length) {
            throw ServingException.invalidArgument("Inference-Header-Content-Length is " + headerLength
                    + " but the body has only " + body.length + " bytes");
        }
        int jsonLength = headerLength < 0 ? body.length : headerLength;
        JsonNode root;
        try {
            root = mapper.readTree(body, 0, jsonLength);
        } catch (IOException bad) {
            throw ServingException.invalidArgument("request body is not valid JSON: " + firstLine(bad.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw ServingException.invalidArgument("request body must be a JSON object with 'inputs'");
        }
        JsonNode inputs = root.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            throw ServingException.invalidArgument("request needs a non-empty 'inputs' array");
        }
        int binaryOffset = jsonLength;
        List<V2Tensor> tensors = new ArrayList<>();
        for (JsonNode input : inputs) {
            String name = text(input, "name", "input");
            String datatype = text(input, "datatype", "input '" + name + "'");
            long[] shape = shape(input, name);
            Map<String, Object> parameters = parameters(input.get("parameters"), "input '" + name + "'");
            Object binarySize = parameters.get(BINARY_DATA_SIZE);
            if (binarySize != null) {
                if (headerLength < 0
                        || !(binarySize instanceof Long size)
                        || size < 0
                        || size > body.length - binaryOffset) {
                    throw ServingException.invalidArgument("input '" + name + "': binary_data_size " + binarySize
                            + " does not fit the binary part of the body (needs the Inference-Header-Content-Length "
                            + "header and that many bytes after the JSON)");
                }
                byte[] raw = Arrays.copyOfRange(body, binaryOffset, binaryOffset + size.intValue());
                binaryOffset += size.intValue();
                tensors.add(V2Tensors.fromRaw(name, datatype, shape, parameters, raw));
            } else {
                tensors.add(fromJson(name, datatype, shape, parameters, input.get("data")));
            }
        }
        List<V2InferRequest.RequestedOutput> outputs = new ArrayList<>();
        JsonNode requested = root.get("outputs");
        if (requested != null && !requested.isNull()) {
            if (!requested.isArray()) {
                throw ServingException.invalidArgument("'outputs' must be an array of {\"name\": ...}");
            }
            for (JsonNode output : requested) {
                String name = text(output, "name", "output");
                outputs.add(new V2InferRequest.RequestedOutput(
                        name, parameters(output.get("parameters"), "output '" + name + "'")));
            }
        }
        JsonNode id = root.get("id");
        return new V2InferRequest(
                modelName,
                modelVersion,
                id == null || id.isNull() ? "" : id.asText(),
                parameters(root.get("parameters"), "request"),
                tensors,
                outputs);
    }

    private static V2Tensor fromJson(
            String name, String datatype, long[] shape, Map<String, Object> parameters, JsonNode data) {
        if (data == null || !data.isArray()) {
            throw ServingException.invalidArgument(
                    "input '" + name + "' needs a 'data' array (or the binary " + "parameter binary_data_size)");
        }
        List<JsonNode> elements = new ArrayList<>();
        flatten(data, elements);
        switch (datatype) {
            case V2Tensor.BYTES -> {
                List<byte[]> values = new ArrayList<>();
                for (JsonNode element : elements) {
                    if (!element.isTextual()) {
                        throw ServingException.invalidArgument(
                                "input '" + name + "' element " + values.size() + " must be a base64 string");
                    }
                    try {
                        values.add(Base64.getDecoder()
                                .decode(WHITESPACE.matcher(element.asText()).replaceAll("")));
                    } catch (IllegalArgumentException notBase64) {
                        throw ServingException.invalidArgument("input '" + name + "' element " + values.size()
                                + " is not base64: " + notBase64.getMessage());
                    }
                }
                return new V2Tensor(name, datatype, shape, parameters, values, null, null);
            }
            case V2Tensor.FP32 -> {
                float[] values = new float[elements.size()];
                for (int index = 0; index < values.length; index++) {
                    JsonNode element = elements.get(index);
                    if (!element.isNumber() && !element.isNull()) {
                        throw ServingException.invalidArgument(
                                "input '" + name + "' element " + index + " must be a number");
                    }
                    values[index] = element.isNull() ? Float.NaN : element.floatValue();
                }
                return new V2Tensor(name, datatype, shape, parameters, null, values, null);
            }
            case V2Tensor.BOOL -> {
                boolean[] values = new boolean[elements.size()];
                for (int index = 0; index < values.length; index++) {
                    values[index] = elements.get(index).asBoolean();
                }
                return new V2Tensor(name, datatype, shape, parameters, null, null, values);
            }
            default -> {
                return new V2Tensor(name, datatype, shape, parameters, null, null, null);
            }
        }
    }

    private static void flatten(JsonNode node, List<JsonNode> into) {
        if (node.isArray()) {
            node.forEach(child -> flatten(child, into));
        } else {
            into.add(node);
        }
    }

    /**
     * An answer as JSON, or as JSON header plus raw data when the request asked for binary outputs (request parameter
     * {@code binary_data_output}, or {@code binary_data} on an output).
     */
    static Encoded encode(ObjectMapper mapper, V2InferRequest request, V2InferResponse response) {
        boolean allBinary = Boolean.TRUE.equals(request.parameters().get(BINARY_DATA_OUTPUT));
        ObjectNode root = NODES.objectNode();
        root.put("model_name", response.modelName());
        root.put("model_version", response.modelVersion());
        if (!response.id().isEmpty()) {
            root.put("id", response.id());
        }
        root.set("parameters", parametersNode(response.parameters()));
        ArrayNode outputs = root.putArray("outputs");
        ByteArrayOutputStream binary = new ByteArrayOutputStream();
        for (V2Tensor tensor : response.outputs()) {
            ObjectNode output = outputs.addObject();
            output.put("name", tensor.name());
            output.put("datatype", tensor.datatype());
            ArrayNode shape = output.putArray("shape");
            for (long dimension : tensor.shape()) {
                shape.add(dimension);
            }
            ObjectNode parameters = parametersNode(tensor.parameters());
            if (allBinary || wantsBinary(request, tensor.name())) {
                byte[] raw = tensor.floats() != null
                        ? V2Tensors.rawFloats(tensor.floats())
                        : V2Tensors.rawBools(tensor.bools());
                parameters.put(BINARY_DATA_SIZE, raw.length);
                binary.writeBytes(raw);
                output.set("parameters", parameters);
                continue;
            }
            if (!parameters.isEmpty()) {
                output.set("parameters", parameters);
            }
            ArrayNode data = output.putArray("data");
            if (tensor.floats() != null) {
                for (float value : tensor.floats()) {
                    if (Float.isNaN(value)) {
                        data.addNull();
                    } else {
                        data.add(value);
                    }
                }
            } else {
                for (boolean value : tensor.bools()) {
                    data.add(value);
                }
            }
        }
        byte[] json = json(mapper, root);
        if (binary.size() == 0) {
            return new Encoded(json, json.length, false);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(json.length + binary.size());
        body.writeBytes(json);
        body.writeBytes(binary.toByteArray());
        return new Encoded(body.toByteArray(), json.length, true);
    }

    private static boolean wantsBinary(V2InferRequest request, String output) {
        return request.outputs().stream()
                .anyMatch(asked -> asked.name().equals(output)
                        && Boolean.TRUE.equals(asked.parameters().get(BINARY_DATA)));
    }

    static ObjectNode metadata(V2Model model) {
        ObjectNode root = NODES.objectNode();
        root.put("name", model.name());
        ArrayNode versions = root.putArray("versions");
        model.versions().forEach(versions::add);
        root.put("platform", model.platform());
        ArrayNode inputs = root.putArray("inputs");
        model.inputs().forEach(input -> inputs.add(tensorMetadata(input, false)));
        ArrayNode outputs = root.putArray("outputs");
        model.outputs().forEach(output -> outputs.add(tensorMetadata(output, true)));
        return root;
    }

    private static ObjectNode tensorMetadata(V2TensorSpec spec, boolean withLabels) {
        ObjectNode tensor = NODES.objectNode();
        tensor.put("name", spec.name());
        tensor.put("datatype", spec.datatype());
        ArrayNode shape = tensor.putArray("shape");
        for (long dimension : spec.shape()) {
            shape.add(dimension);
        }
        if (withLabels && !spec.labels().isEmpty()) {
            tensor.putObject("parameters").put(V2Models.LABELS, V2Models.labelsParameter(spec.labels()));
        }
        return tensor;
    }

    static ObjectNode error(String message) {
        return NODES.objectNode().put("error", message);
    }

    static byte[] json(ObjectMapper mapper, JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException impossible) {
            throw new IllegalStateException("cannot write JSON", impossible);
        }
    }

    private static ObjectNode parametersNode(Map<String, Object> parameters) {
        ObjectNode node = NODES.objectNode();
        parameters.forEach((name, value) -> {
            if (value instanceof Boolean flag) {
                node.put(name, flag);
            } else if (value instanceof Long number) {
                node.put(name, number);
            } else if (value instanceof Double number) {
                node.put(name, number);
            } else {
                node.put(name, String.valueOf(value));
            }
        });
        return node;
    }

    private static Map<String, Object> parameters(JsonNode node, String where) {
        Map<String, Object> values = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return values;
        }
        if (!node.isObject()) {
            throw ServingException.invalidArgument(where + " 'parameters' must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isBoolean()) {
                values.put(field.getKey(), value.booleanValue());
            } else if (value.isIntegralNumber()) {
                values.put(field.getKey(), value.longValue());
            } else if (value.isNumber()) {
                values.put(field.getKey(), value.doubleValue());
            } else if (value.isTextual()) {
                values.put(field.getKey(), value.textValue());
            } else {
                throw ServingException.invalidArgument(
                        where + " parameter '" + field.getKey() + "' must be a string, number or boolean");
            }
        }
        return values;
    }

    private static String text(JsonNode node, String field, String where) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            throw ServingException.invalidArgument(where + " needs a string '" + field + "'");
        }
        return value.textValue();
    }

    private static long[] shape(JsonNode input, String name) {
        JsonNode shape = input.get("shape");
        if (shape == null || !shape.isArray()) {
            throw ServingException.invalidArgument("input '" + name + "' needs a 'shape' array");
        }
        long[] dimensions = new long[shape.size()];
        for (int index = 0; index < dimensions.length; index++) {
            if (!shape.get(index).isIntegralNumber()) {
                throw ServingException.invalidArgument("input '" + name + "' shape must hold integers");
            }
            dimensions[index] = shape.get(index).longValue();
        }
        return dimensions;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }
}
