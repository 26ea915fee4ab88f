package io.prosface.server.inference;

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
    /** Real-valued outputs of a regression head (few-shot heads such as age); no built-in default head. */
    REGRESSION;

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
        throw io.prosface.server.error.ServingException.invalidArgument("unknown task '" + label
                + "'; known: attributes, expression, landmarks, embedding, regression");
    }
}
