package io.prosface.server.inference.engine;

import io.prosface.server.inference.registry.FaceTask;
import java.util.Map;

/** The model's answers for one face crop, by task. */
public record FaceOutputs(Map<FaceTask, TaskOutput> outputs) {}
