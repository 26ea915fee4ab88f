package io.prosface.server.inference.registry;

/** A resolved head: name and version number (written {@code name@vN}). */
public record HeadId(String name, int version) {

    @Override
    public String toString() {
        return name + "@v" + version;
    }
}
