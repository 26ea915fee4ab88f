package io.prosface.server.finetune.jobs;

/** Stops a running job between two pieces of work: cancelled by a user, or its replica is shutting down. */
final class JobInterruptedException extends RuntimeException {

    /** Why the job stops. */
    enum Cause {
        CANCELLED,
        SHUTDOWN
    }

    private final Cause reason;

    JobInterruptedException(Cause reason) {
        super(reason.name().toLowerCase(java.util.Locale.ROOT), null, false, false);
        this.reason = reason;
    }

    Cause reason() {
        return reason;
    }
}
