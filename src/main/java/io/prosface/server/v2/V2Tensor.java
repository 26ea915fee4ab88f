package io.prosface.server.v2;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A tensor of the Open Inference Protocol v2 as both transports hand it over: REST JSON and gRPC are decoded into this
 * and encoded from it, so {@link V2Inference} never sees a wire format.
 *
 * @param name tensor name
 * @param datatype the protocol's datatype name ({@code BYTES}, {@code FP32}, {@code BOOL}, ...)
 * @param shape dimensions
 * @param parameters protocol parameters (values: Boolean, Long, Double or String)
 * @param bytes the elements of a {@code BYTES} tensor, else null
 * @param floats the elements of an {@code FP32} tensor, else null (decoded only for the datatypes the models use)
 * @param bools the elements of a {@code BOOL} tensor, else null
 */
public record V2Tensor(
        String name,
        String datatype,
        long[] shape,
        Map<String, Object> parameters,
        List<byte[]> bytes,
        float[] floats,
        boolean[] bools) {

    public static final String BYTES = "BYTES";
    public static final String FP32 = "FP32";
    public static final String BOOL = "BOOL";

    public static V2Tensor fp32(String name, long[] shape, float[] values, Map<String, Object> parameters) {
        return new V2Tensor(name, FP32, shape, parameters, null, values, null);
    }

    public static V2Tensor bool(String name, long[] shape, boolean[] values, Map<String, Object> parameters) {
        return new V2Tensor(name, BOOL, shape, parameters, null, null, values);
    }

    /** Number of elements the shape holds; negative dimensions are INVALID_ARGUMENT for the caller to report. */
    public static long elementCount(long[] shape) {
        long count = 1;
        for (long dimension : shape) {
            count = dimension < 0 ? -1 : Math.multiplyExact(count, dimension);
            if (count < 0) {
                return -1;
            }
        }
        return count;
    }

    /** How many elements arrived, whatever the datatype; -1 when the datatype's data is not decoded. */
    public int dataLength() {
        return bytes != null ? bytes.size() : floats != null ? floats.length : bools != null ? bools.length : -1;
    }

    public static String shapeText(long[] shape) {
        return Arrays.toString(shape);
    }
}
