package io.prosface.core.data.readers;

import java.nio.file.Path;

/** A malformed label file; the message starts with {@code file:line:} like a compiler error. */
public final class DatasetFormatException extends RuntimeException {

    public DatasetFormatException(Path file, int line, String detail) {
        super(file + (line > 0 ? ":" + line : "") + ": " + detail);
    }

    public DatasetFormatException(Path file, int line, String detail, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + detail, cause);
    }
}
