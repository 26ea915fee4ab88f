package io.prosface.training;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Arrays;
import java.util.Locale;

/** Explicit device choice (GPU first under "auto"), logged so a run's output always says where it ran. */
public final class Devices {

    private Devices() {}

    /**
     * Resolves {@code auto}, {@code cpu}, {@code gpu} or {@code gpu:N}. "auto" takes the first GPU the engine sees
     * and falls back to the CPU; asking for a GPU that does not exist is an error, never a silent CPU run.
     */
    public static Device choose(String wanted) {
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        String spec = wanted.trim().toLowerCase(Locale.ROOT);
        Device device;
        if (spec.equals("auto")) {
            device = gpus > 0 ? Device.gpu(0) : Device.cpu();
        } else if (spec.equals("cpu")) {
            device = Device.cpu();
        } else if (spec.equals("gpu") || spec.startsWith("gpu:")) {
            int index = spec.equals("gpu") ? 0 : Integer.parseInt(spec.substring(4));
            if (index >= gpus) {
                throw new IllegalArgumentException("device " + wanted + " requested but the " + engine.getEngineName()
                        + " engine sees " + gpus + " GPU(s); use device=auto or cpu");
            }
            device = Device.gpu(index);
        } else {
            throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, got '" + wanted + "'");
        }
        return device;
    }

    /** One line for logs: the chosen device, the engine and everything it could have used. */
    public static String describe(Device device) {
        Engine engine = Engine.getInstance();
        return "device " + device + " (engine " + engine.getEngineName() + " " + engine.getVersion() + ", available: "
                + Arrays.toString(engine.getDevices()) + ", CPU threads "
                + Runtime.getRuntime().availableProcessors() + ")";
    }
}
