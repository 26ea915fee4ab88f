package io.prosface.server.inference.analysis;

import io.prosface.core.data.FaceBox;
import io.prosface.server.inference.engine.TaskOutput;
import io.prosface.server.inference.registry.FaceTask;
import java.util.Map;

/**
 * The answers for one face.
 *
 * @param box where the face is, in pixels of the input image (the client's box clipped to the image, or the
 *     detector's)
 * @param detected true when the detector found the box, false when the client sent it
 * @param detectionScore the detector's confidence (0 for a client box)
 * @param outputs by task; landmark values are input-image pixel coordinates
 */
public record FaceResult(FaceBox box, boolean detected, float detectionScore, Map<FaceTask, TaskOutput> outputs) {}
