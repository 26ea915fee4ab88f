package io.prosface.server.inference.registry;

import java.util.Locale;

/** What a client can ask about a face. Every task but {@link #EMBEDDING} is answered by a head. */
public enum FaceTask {
    /** Binary facial attributes (CelebA names), independent probabilities. */
    ATTRIBUTES,
    /** One of the 7 basic expressions, a probability distribution. */
    EXPRESSION,
    /** 68 iBUG points. */
    LANDMARKS,
    /** The backbone's L2-normalised class token, for face search and clustering. */
    EMBEDDING,
    /**
     * Real-valued outputs of a regression head (few-shot heads); the default head is the first regression head the
     * model loads (the built-in {@value #AGE_HEAD} head when the checkpoint has one).
     */
    REGRESSION,
    /**
     * Age in years, from the checkpoint's built-in regression head {@value #AGE_HEAD} (one output); part of the
     * default tasks only when the served model has that head.
     */
    AGE;

    /** Name of the built-in head that answers {@link #AGE}: kind REGRESSION, one output (years). */
    public static final String AGE_HEAD = "age";

    /** Lower-case name as used in query parameters and JSON. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a task name case-insensitively; an unknown name is INVALID_ARGUMENT. */
    public static FaceTask fromLabel(String label) {
        for (FaceTask task : values()) {
            if (task.name().equalsIgnoreCase(label.trim())) {
                return task;
            }
        }
        throw io.prosface.server.error.ServingException.invalidArgument(
                "unknown task '" + label + "'; known: attributes, expression, landmarks, embedding, regression");
    }
}
