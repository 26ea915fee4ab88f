package io.prosface.server.finetune;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/1.1 over a plain socket, for requests that a client library would rewrite (matrix parameters, {@code //},
 * {@code ./}, {@code %2F}) and for bodies that are announced but never sent in full.
 */
final class RawHttp {

    /** What came back: the status, or -1 when nothing came back within the wait. */
    record Answer(int status, String text) {}

    static final String BOUNDARY = "raw-http-boundary";

    private RawHttp() {}

    /**
     * Announces a {@code announcedLength}-byte multipart POST to {@code path}, sends only {@code sent}, and waits
     * {@code waitMillis} for an answer while the rest of the body is still owed. Every byte the server answers before
     * reading the body is a byte it did not spool.
     */
    static Answer postWithoutFinishing(
            int port, String path, String authorization, long announcedLength, byte[] sent, int waitMillis)
            throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(waitMillis);
            OutputStream out = socket.getOutputStream();
            out.write(head(path, authorization, announcedLength).getBytes(StandardCharsets.ISO_8859_1));
            out.write(sent);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** A complete multipart POST of {@code body} (built with {@link #multipart}); the answer is read to the end. */
    static Answer post(int port, String path, String authorization, byte[] body) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head(path, authorization, body.length).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        }
    }

    /** A multipart body: text fields, then one file part named {@code fileField}. */
    static byte[] multipart(java.util.Map<String, String> fields, String fileField, String fileName, byte[] file) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        StringBuilder text = new StringBuilder();
        fields.forEach((name, value) -> text.append("--")
                .append(BOUNDARY)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(name)
                .append("\"\r\n\r\n")
                .append(value)
                .append("\r\n"));
        text.append("--")
                .append(BOUNDARY)
                .append("\r\nContent-Disposition: form-data; name=\"")
                .append(fileField)
                .append("\"; filename=\"")
                .append(fileName)
                .append("\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        body.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    private static String head(String path, String authorization, long length) {
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\nContent-Length: " + length + "\r\n"
                + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
    }

    /** Reads one answer: its head, then Content-Length bytes (or to the end); stops at the socket's timeout. */
    private static Answer read(InputStream in) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int read; !complete(answer) && (read = in.read(buffer)) >= 0; ) {
                answer.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException noMore) {
            // no answer (or no complete one) within the wait
        } catch (java.net.SocketException reset) {
            // the server may close the connection while the announced body is still owed
        }
        String text = answer.toString(StandardCharsets.UTF_8);
        if (!text.startsWith("HTTP/1.1 ")) {
            return new Answer(-1, text);
        }
        return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    }

    private static boolean complete(ByteArrayOutputStream answer) {
        String text = answer.toString(StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        if (headEnd < 0) {
            return false;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?im)^content-length:\\s*(\\d+)")
                .matcher(text.substring(0, headEnd));
        return length.find() && text.length() - headEnd - 4 >= Long.parseLong(length.group(1));
    }
}
