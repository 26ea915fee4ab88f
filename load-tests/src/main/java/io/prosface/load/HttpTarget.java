package io.prosface.load;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;

/**
 * POST /v1/analyze with the raw image as the body, through the JDK's asynchronous HTTP/1.1 client: the open-loop
 * driver (wrk cannot hold a fixed rate) and the closed-loop fallback when wrk is absent.
 */
final class HttpTarget implements LoadTarget {

    private final HttpClient client;
    private final HttpRequest request;

    HttpTarget(URI uri, TestImage image, Duration deadline) {
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        this.request = HttpRequest.newBuilder(uri)
                .timeout(deadline)
                .header("Content-Type", image.mediaType())
                .header("X-Timeout-Ms", Long.toString(deadline.toMillis()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image.bytes()))
                .build();
    }

    /** {@code http://localhost:port/v1/analyze?tasks=...&box=...} */
    static URI analyzeUri(int port, TestImage image, List<String> tasks) {
        StringBuilder uri = new StringBuilder("http://localhost:" + port + "/v1/analyze?tasks=")
                .append(URLEncoder.encode(String.join(",", tasks), StandardCharsets.UTF_8));
        if (image.boxQuery() != null) {
            uri.append("&box=").append(URLEncoder.encode(image.boxQuery(), StandardCharsets.UTF_8));
        }
        return URI.create(uri.toString());
    }

    @Override
    public String name() {
        return "http";
    }

    /** One blocking call for the pre-flight check: status and body. */
    HttpResponse<String> probe() throws IOException, InterruptedException {
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public Lane openLane() {
        return () -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((response, failure) -> failure == null ? code(response.statusCode()) : code(failure));
    }

    static String code(int status) {
        return status == 200 ? StepRecorder.OK : Integer.toString(status);
    }

    private static String code(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof HttpTimeoutException ? "client-timeout" : "io-error";
    }

    @Override
    public void close() {
        // JDK 17's HttpClient has no close(); its connections go when it is collected
    }
}
