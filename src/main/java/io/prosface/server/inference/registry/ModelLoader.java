package io.prosface.server.inference.registry;

import ai.djl.Device;
import java.nio.file.Path;

/** Turns a checkpoint directory into a {@link ModelRegistry} on a device (backbone plus its task heads, all v1). */
public interface ModelLoader {

    ModelRegistry load(Path checkpoint, Device device);
}
