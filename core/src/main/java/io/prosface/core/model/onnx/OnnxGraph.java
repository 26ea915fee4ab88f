package io.prosface.core.model.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX graph under construction, written straight into the protobuf messages of the public ONNX schema
 * (GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto; field numbers in the constants below).
 * Values are named by strings; {@link #node} returns the name of the new value, so a forward pass reads like the
 * DJL code it mirrors. Internal names start with '/' and are made unique here; the graph's own inputs and outputs
 * have exactly the names given ({@link #namedNode}), which can therefore never clash with an internal value.
 */
final class OnnxGraph {

    /** TensorProto.DataType codes. */
    static final int FLOAT = 1;

    static final int UINT8 = 2;
    static final int INT8 = 3;
    static final int INT32 = 6;
    static final int INT64 = 7;

    // GraphProto fields
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_DOC = 10;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto fields
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    // TensorProto fields
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    // AttributeProto fields and AttributeType codes
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_FLOAT = 2;
    private static final int ATTRIBUTE_INT = 3;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int TYPE_FLOAT = 1;
    private static final int TYPE_INT = 2;
    private static final int TYPE_INTS = 7;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, TensorShapeProto.Dimension fields
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEMENT = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private final String name;
    private final List<ProtoWriter> nodes = new ArrayList<>();
    private final List<ProtoWriter> initializers = new ArrayList<>();
    private final List<ProtoWriter> inputs = new ArrayList<>();
    private final List<ProtoWriter> outputs = new ArrayList<>();
    private final Set<String> names = new HashSet<>();
    private final Map<String, String> constants = new HashMap<>();
    private long parameterCount;

    OnnxGraph(String name) {
        this.name = name;
    }

    /** An attribute of a node: {@code name = value}. */
    static ProtoWriter attribute(String name, long value) {
        return new ProtoWriter()
                .string(ATTRIBUTE_NAME, name)
                .varint(ATTRIBUTE_INT, value)
                .varint(ATTRIBUTE_TYPE, TYPE_INT);
    }

    static ProtoWriter attribute(String name, float value) {
        return new ProtoWriter()
                .string(ATTRIBUTE_NAME, name)
                .float32(ATTRIBUTE_FLOAT, value)
                .varint(ATTRIBUTE_TYPE, TYPE_FLOAT);
    }

    static ProtoWriter attribute(String name, long[] values) {
        return new ProtoWriter()
                .string(ATTRIBUTE_NAME, name)
                .repeatedVarints(ATTRIBUTE_INTS, values)
                .varint(ATTRIBUTE_TYPE, TYPE_INTS);
    }

    /** One operator with one output; returns the output's name ({@code hint} made unique). */
    String node(String opType, String hint, List<String> inputNames, ProtoWriter... attributes) {
        return node(opType, hint, inputNames, 1, attributes).get(0);
    }

    /** One operator with {@code outputCount} outputs; returns their names. */
    List<String> node(String opType, String hint, List<String> inputNames, int outputCount, ProtoWriter... attributes) {
        List<String> outputNames = new ArrayList<>();
        for (int index = 0; index < outputCount; index++) {
            outputNames.add(unique(outputCount == 1 ? hint : hint + "_" + index));
        }
        return add(opType, inputNames, outputNames, attributes);
    }

    /** One operator whose output is named exactly {@code outputName} (a graph output); a taken name is an error. */
    String namedNode(String opType, String outputName, List<String> inputNames, ProtoWriter... attributes) {
        if (!names.add(outputName)) {
            throw new IllegalArgumentException("the model already has a value named '" + outputName + "'");
        }
        return add(opType, inputNames, List.of(outputName), attributes).get(0);
    }

    private List<String> add(
            String opType, List<String> inputNames, List<String> outputNames, ProtoWriter... attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String input : inputNames) {
            node.string(NODE_INPUT, input);
        }
        for (String output : outputNames) {
            node.string(NODE_OUTPUT, output);
        }
        node.string(NODE_NAME, outputNames.get(0) + "_" + opType).string(NODE_OP_TYPE, opType);
        for (ProtoWriter attribute : attributes) {
            node.message(NODE_ATTRIBUTE, attribute);
        }
        nodes.add(node);
        return outputNames;
    }

    /** A float32 initializer (a weight) of the given shape; values in row-major order. */
    String floats(String hint, long[] dims, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        parameterCount += values.length;
        return initializer(hint, FLOAT, dims, raw.array());
    }

    /** An int64 initializer (shapes, axes, indices). */
    String int64s(String hint, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        return initializer(hint, INT64, dims, raw.array());
    }

    /** A one-byte-per-element initializer, {@link #INT8} or {@link #UINT8}. */
    String bytes(String hint, int dataType, long[] dims, byte[] values) {
        parameterCount += values.length;
        return initializer(hint, dataType, dims, values.clone());
    }

    /** A float32 scalar constant, shared by every node that uses the same value. */
    String scalar(float value) {
        return constants.computeIfAbsent(
                "f" + Float.floatToIntBits(value), key -> floats("constant", new long[0], new float[] {value}));
    }

    /** A 1-D int64 constant (a shape, axes, slice bounds), shared by equal uses. */
    String vector(long... values) {
        StringBuilder key = new StringBuilder("i");
        for (long value : values) {
            key.append(value).append(',');
        }
        return constants.computeIfAbsent(
                key.toString(), ignored -> int64s("constant", new long[] {values.length}, values));
    }

    /** A 0-d int64 constant (an index that drops its axis in Gather). */
    String index(long value) {
        return constants.computeIfAbsent("s" + value, key -> int64s("index", new long[0], new long[] {value}));
    }

    /**
     * Declares a graph input. Each entry of {@code dims} is a Long (fixed size) or a String (a named, free size such
     * as "batch").
     */
    void input(String inputName, int elementType, Object... dims) {
        if (!names.add(inputName)) {
            throw new IllegalArgumentException("the model already has a value named '" + inputName + "'");
        }
        inputs.add(valueInfo(inputName, elementType, dims));
    }

    /** Declares {@code valueName} (already produced by a node) a graph output. */
    void output(String valueName, int elementType, Object... dims) {
        outputs.add(valueInfo(valueName, elementType, dims));
    }

    /** Parameters stored in initializers (weights), for the summary line. */
    long parameterCount() {
        return parameterCount;
    }

    ProtoWriter toProto(String docString) {
        ProtoWriter graph = new ProtoWriter();
        nodes.forEach(node -> graph.message(GRAPH_NODE, node));
        graph.string(GRAPH_NAME, name);
        initializers.forEach(tensor -> graph.message(GRAPH_INITIALIZER, tensor));
        graph.string(GRAPH_DOC, docString);
        inputs.forEach(input -> graph.message(GRAPH_INPUT, input));
        outputs.forEach(output -> graph.message(GRAPH_OUTPUT, output));
        return graph;
    }

    private String initializer(String hint, int dataType, long[] dims, byte[] raw) {
        String tensorName = unique(hint);
        initializers.add(new ProtoWriter()
                .repeatedVarints(TENSOR_DIMS, dims)
                .varint(TENSOR_DATA_TYPE, dataType)
                .string(TENSOR_NAME, tensorName)
                .bytes(TENSOR_RAW_DATA, raw));
        return tensorName;
    }

    private static ProtoWriter valueInfo(String valueName, int elementType, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object dim : dims) {
            ProtoWriter dimension = dim instanceof String symbol
                    ? new ProtoWriter().string(DIM_PARAM, symbol)
                    : new ProtoWriter().varint(DIM_VALUE, ((Number) dim).longValue());
            shape.message(SHAPE_DIM, dimension);
        }
        ProtoWriter tensorType =
                new ProtoWriter().varint(TENSOR_TYPE_ELEMENT, elementType).message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter()
                .string(VALUE_INFO_NAME, valueName)
                .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR, tensorType));
    }

    private String unique(String hint) {
        String candidate = "/" + hint;
        for (int suffix = 1; !names.add(candidate); suffix++) {
            candidate = "/" + hint + "_" + suffix;
        }
        return candidate;
    }
}
