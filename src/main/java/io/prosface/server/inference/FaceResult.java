package io.prosface.server.inference;

import io.prosface.core.data.FaceBox;
import java.util.Map;

/**
 * The answers for one face.
 *
 * @param box where the face is, in pixels of the input image (the client's box, or the detector's)
 * @param outputs by task; landmark values are input-image pixel coordinates
 */
public record FaceResult(FaceBox box, Map<FaceTask, TaskOutput> outputs) {
}
