package io.prosface.server.v2;

import io.prosface.server.error.ServingException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The protocol's "raw" tensor encoding, shared by gRPC's {@code raw_input_contents} and the REST binary-data
 * extension: the flattened row-major elements without padding, little-endian; a {@code BYTES} element is a 4-byte
 * little-endian length followed by that many bytes.
 */
public final class V2Tensors {

    private V2Tensors() {}

    /** A tensor from its raw bytes; datatypes the models do not take keep no data (validation names them). */
    static V2Tensor fromRaw(String name, String datatype, long[] shape, Map<String, Object> parameters, byte[] raw) {
        return switch (datatype) {
            case V2Tensor.BYTES -> new V2Tensor(name, datatype, shape, parameters, splitBytes(name, raw), null, null);
            case V2Tensor.FP32 -> {
                if (raw.length % 4 != 0) {
                    throw ServingException.invalidArgument("input '" + name + "': raw FP32 data of " + raw.length
                            + " bytes is not a whole number of 4-byte floats");
                }
                yield new V2Tensor(name, datatype, shape, parameters, null, floats(raw), null);
            }
            case V2Tensor.BOOL -> {
                boolean[] values = new boolean[raw.length];
                for (int index = 0; index < raw.length; index++) {
                    values[index] = raw[index] != 0;
                }
                yield new V2Tensor(name, datatype, shape, parameters, null, null, values);
            }
            default -> new V2Tensor(name, datatype, shape, parameters, null, null, null);
        };
    }

    /** The elements of raw BYTES data; INVALID_ARGUMENT when a length prefix points past the end. */
    public static List<byte[]> splitBytes(String name, byte[] raw) {
        List<byte[]> elements = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < 4) {
                throw ServingException.invalidArgument("input '" + name + "': raw BYTES data ends inside the 4-byte "
                        + "length of element " + elements.size());
            }
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                throw ServingException.invalidArgument("input '" + name + "': raw BYTES element " + elements.size()
                        + " declares " + Integer.toUnsignedLong(length) + " bytes, " + buffer.remaining() + " remain");
            }
            elements.add(Arrays.copyOfRange(raw, buffer.position(), buffer.position() + length));
            buffer.position(buffer.position() + length);
        }
        return elements;
    }

    /** Raw BYTES data for {@code elements} (each prefixed with its 4-byte little-endian length). */
    public static byte[] joinBytes(List<byte[]> elements) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] element : elements) {
            out.writeBytes(ByteBuffer.allocate(4)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putInt(element.length)
                    .array());
            out.writeBytes(element);
        }
        return out.toByteArray();
    }

    /** Little-endian IEEE floats, as raw FP32 data carries them. */
    public static float[] floats(byte[] raw) {
        float[] values = new float[raw.length / 4];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    /** Raw FP32 data: little-endian floats. */
    public static byte[] rawFloats(float[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(values);
        return buffer.array();
    }

    /** Raw BOOL data: one byte per element. */
    public static byte[] rawBools(boolean[] values) {
        byte[] raw = new byte[values.length];
        for (int index = 0; index < values.length; index++) {
            raw[index] = (byte) (values[index] ? 1 : 0);
        }
        return raw;
    }
}
