package io.prosface.training;

import ai.djl.Device;
import picocli.CommandLine.Option;

/** The {@code --device} option shared by the commands that run a model on cached data (picocli mixin). */
public final class DeviceOption {

    @Option(
            names = "--device",
            defaultValue = "auto",
            description = "auto (GPU first), cpu, gpu or gpu:N. (default: ${DEFAULT-VALUE})")
    String device;

    /** Resolves the option ({@link Devices#choose}) and prints where the command runs. */
    public Device chooseAndLog() {
        Device chosen = Devices.choose(device);
        System.out.println(Devices.describe(chosen));
        return chosen;
    }
}
