package io.prosface.server.v2;

import io.prosface.server.inference.registry.FaceTask;
import java.util.List;

/**
 * One input or output of a v2 model, as its metadata describes it.
 *
 * @param name tensor name
 * @param datatype protocol datatype
 * @param shape dimensions, -1 for the batch (the first)
 * @param labels names of the last dimension's entries (attribute, expression, class or output names), else empty
 * @param task the face task that computes this output; null for inputs and for {@code face_found}/{@code face_box}
 */
public record V2TensorSpec(String name, String datatype, long[] shape, List<String> labels, FaceTask task) {

    /** Elements of one batch row: the product of every dimension after the first. */
    public int rowSize() {
        int size = 1;
        for (int index = 1; index < shape.length; index++) {
            size *= (int) shape[index];
        }
        return size;
    }
}
