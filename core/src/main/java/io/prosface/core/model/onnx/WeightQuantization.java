package io.prosface.core.model.onnx;

import java.util.List;

/**
 * Int8 weights for linear layers, dynamic activations (ONNX Runtime's "dynamic quantization" layout, in standard
 * operators): each weight column (one output unit) is scaled symmetrically to [-127, 127] once at export; at run time
 * DynamicQuantizeLinear maps the activations to uint8 with a scale and zero point taken from the whole input tensor,
 * MatMulInteger multiplies in integers, and one multiply by (activation scale × column scale) returns to float32.
 * ONNX Runtime fuses the chain into a single quantized kernel on CPU. Note: the activation scale is per tensor, i.e.
 * per batch, so a face's outputs move very slightly with the other faces of its batch.
 */
final class WeightQuantization {

    static final int LEVELS = 127;

    private WeightQuantization() {}

    /**
     * x (..., in) · W (in, out) with W quantized per output column.
     *
     * @param weight (in, out) row-major float32
     * @return the float32 product's name (no bias)
     */
    static String matMul(OnnxGraph graph, String hint, String input, float[] weight, int inputs, int outputs) {
        float[] scales = new float[outputs];
        for (int row = 0; row < inputs; row++) {
            for (int column = 0; column < outputs; column++) {
                scales[column] = Math.max(scales[column], Math.abs(weight[row * outputs + column]));
            }
        }
        for (int column = 0; column < outputs; column++) {
            scales[column] = scales[column] == 0 ? 1f : scales[column] / LEVELS; // an all-zero column stays zero
        }
        byte[] quantized = new byte[weight.length];
        for (int row = 0; row < inputs; row++) {
            for (int column = 0; column < outputs; column++) {
                int level = Math.round(weight[row * outputs + column] / scales[column]);
                quantized[row * outputs + column] = (byte) Math.max(-LEVELS, Math.min(LEVELS, level));
            }
        }
        String weightInt8 = graph.bytes(hint + "_weight_int8", OnnxGraph.INT8, new long[] {inputs, outputs}, quantized);
        String weightZero = graph.bytes(hint + "_weight_zero", OnnxGraph.INT8, new long[0], new byte[] {0});
        String weightScale = graph.floats(hint + "_weight_scale", new long[] {outputs}, scales);
        // x -> (x_uint8, x_scale, x_zero_point), over the whole tensor
        List<String> dynamic = graph.node("DynamicQuantizeLinear", hint + "_x", List.of(input), 3);
        String integers = graph.node(
                "MatMulInteger",
                hint + "_matmul_int32",
                List.of(dynamic.get(0), weightInt8, dynamic.get(2), weightZero));
        String floats = graph.node(
                "Cast", hint + "_matmul_float", List.of(integers), OnnxGraph.attribute("to", (long) OnnxGraph.FLOAT));
        String scale = graph.node("Mul", hint + "_scale", List.of(dynamic.get(1), weightScale));
        return graph.node("Mul", hint + "_matmul", List.of(floats, scale));
    }
}
