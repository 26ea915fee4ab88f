package io.prosface.core.model;

import java.io.IOException;

/** A checkpoint directory that cannot be used as it is: missing or tampered file, wrong architecture, bad config. */
public class CheckpointException extends IOException {

    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
