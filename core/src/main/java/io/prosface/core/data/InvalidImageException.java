package io.prosface.core.data;

/**
 * Image bytes that cannot become pixels. The {@link Reason} is machine-readable so the server can map every reason
 * to INVALID_ARGUMENT / HTTP 400 and still tell the client which rule its upload broke.
 */
public final class InvalidImageException extends RuntimeException {

    /** Why an image was refused. */
    public enum Reason {
        /** no bytes at all */
        EMPTY,
        /** more bytes than the decoder accepts */
        TOO_MANY_BYTES,
        /** the header announces more pixels than the decoder accepts (decompression-bomb guard) */
        TOO_MANY_PIXELS,
        /** no decoder for these bytes, or a format the decoder does not accept */
        UNSUPPORTED_FORMAT,
        /** a known format whose data is broken (truncated, garbled, bad header) */
        CORRUPT
    }

    private final Reason reason;

    public InvalidImageException(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public InvalidImageException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The same failure with the name of the file (or request part) it came from prefixed to the message. */
    public InvalidImageException withSource(String source) {
        return new InvalidImageException(reason, source + ": " + detailMessage(), this);
    }

    private String detailMessage() {
        return getMessage().substring(reason.name().length() + 2);
    }
}
