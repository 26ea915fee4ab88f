package io.prosface.core.data;

import java.io.EOFException;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An {@link javax.imageio.stream.ImageInputStream} over bytes already in memory, whose end of data costs nothing.
 *
 * <p>Why not {@link javax.imageio.stream.MemoryCacheImageInputStream}: a decoder that reads past the end of its data
 * gets a new {@link EOFException} each time, and filling in its stack trace costs microseconds. TwelveMonkeys' WebP
 * lossless (VP8L) decoder keeps an 8-byte look-ahead and refills it after every symbol; near the end of the data each
 * refill fails. A one-colour VP8L spends zero bits per pixel, so every pixel of it is decoded at the end of the data:
 * 66 bytes announcing 1576x10522 pixels took 86-138 s of CPU in that decoder, valid or truncated alike. Here the end
 * of data is one preallocated exception without a stack trace, and the same file decodes in well under a second.
 *
 * <p>Not thread-safe (one decode at a time, like every ImageInputStream); never copies the array.
 */
final class ByteArrayImageInput extends ImageInputStreamImpl {

    private final byte[] bytes;
    /** Thrown for every read past the end; it never escapes with a misleading trace, it has none. */
    private final EOFException endOfData = new EndOfData();

    ByteArrayImageInput(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public int read() {
        bitOffset = 0;
        if (streamPos >= bytes.length) {
            return -1;
        }
        return bytes[(int) streamPos++] & 0xFF;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        if (offset < 0 || length < 0 || offset + length > target.length || offset + length < 0) {
            throw new IndexOutOfBoundsException("offset " + offset + ", length " + length + ", array " + target.length);
        }
        bitOffset = 0;
        if (length == 0) {
            return 0;
        }
        long available = bytes.length - streamPos;
        if (available <= 0) {
            return -1;
        }
        int count = (int) Math.min(length, available);
        System.arraycopy(bytes, (int) streamPos, target, offset, count);
        streamPos += count;
        return count;
    }

    @Override
    public byte readByte() throws EOFException {
        int value = read();
        if (value < 0) {
            throw endOfData;
        }
        return (byte) value;
    }

    @Override
    public int readUnsignedByte() throws EOFException {
        return readByte() & 0xFF;
    }

    @Override
    public boolean readBoolean() throws EOFException {
        return readByte() != 0;
    }

    @Override
    public void readFully(byte[] target, int offset, int length) throws EOFException {
        if (read(target, offset, length) != length && length > 0) {
            // read() copies what is there in one go: fewer bytes means the data ended
            throw endOfData;
        }
    }

    @Override
    public long length() {
        return bytes.length;
    }

    @Override
    public boolean isCached() {
        return true;
    }

    @Override
    public boolean isCachedMemory() {
        return true;
    }

    /** End of the image data, without a stack trace (filling one in is the cost this class avoids). */
    private static final class EndOfData extends EOFException {
        private static final long serialVersionUID = 1L;

        EndOfData() {
            super("end of image data");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
