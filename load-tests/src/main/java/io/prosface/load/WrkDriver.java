package io.prosface.load;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop HTTP through wrk (Debian package {@code wrk}): C, event-driven, so on a small machine it takes less CPU
 * from the server than a JVM client would. load-tests/wrk/post-image.lua posts the image and prints a JSON line.
 * wrk's latency percentiles cover every answer (it cannot leave out error answers); with no errors that is the same.
 */
final class WrkDriver {

    private final Path script;
    private final Path image;
    private final String mediaType;
    private final Duration deadline;

    WrkDriver(Path script, Path image, String mediaType, Duration deadline) {
        this.script = script;
        this.image = image;
        this.mediaType = mediaType;
        this.deadline = deadline;
    }

    static boolean available() {
        try {
            Process process = new ProcessBuilder("wrk", "--version")
                    .redirectErrorStream(true)
                    .start();
            process.getInputStream().readAllBytes();
            process.waitFor(5, TimeUnit.SECONDS);
            return true; // wrk --version exits 1 but runs: the binary is there
        } catch (IOException | InterruptedException absent) {
            return false;
        }
    }

    /** An unmeasured run (connections, JIT and the server's batch shapes settle). */
    void warmUp(URI uri, int concurrency, Duration warmup) throws IOException, InterruptedException {
        if (!warmup.isZero()) {
            invoke(uri, concurrency, warmup);
        }
    }

    Measured measure(URI uri, int concurrency, Duration duration) throws IOException, InterruptedException {
        JsonObject result = invoke(uri, concurrency, duration);
        Map<String, Long> errors = new TreeMap<>();
        long ok = 0;
        for (Map.Entry<String, com.google.gson.JsonElement> status :
                result.getAsJsonObject("statuses").entrySet()) {
            long count = status.getValue().getAsLong();
            if (status.getKey().equals("200")) {
                ok = count;
            } else {
                errors.put(status.getKey(), count);
            }
        }
        for (Map.Entry<String, com.google.gson.JsonElement> error :
                result.getAsJsonObject("errors").entrySet()) {
            if (error.getValue().getAsLong() > 0) {
                errors.put("socket-" + error.getKey(), error.getValue().getAsLong());
            }
        }
        JsonObject latency = result.getAsJsonObject("latency_us");
        double seconds = result.get("duration_us").getAsLong() / 1e6;
        return new Measured(
                seconds,
                ok,
                errors,
                new StepRecorder.Latency(
                        latency.get("p50").getAsLong() / 1e3, latency.get("p95").getAsLong() / 1e3,
                        latency.get("p99").getAsLong() / 1e3, latency.get("max").getAsLong() / 1e3),
                result.get("cpu_seconds").getAsDouble() / seconds);
    }

    private JsonObject invoke(URI uri, int concurrency, Duration duration) throws IOException, InterruptedException {
        // a wrk thread is an event loop; two keep up with this server on a small machine, more only steal its CPU
        int threads = Math.min(concurrency, 2);
        // bash's 'times' prints the CPU time of its finished children (wrk) on its second line
        List<String> command = new ArrayList<>(List.of(
                "bash",
                "-c",
                "wrk \"$@\" && times",
                "wrk",
                "-t",
                Integer.toString(threads),
                "-c",
                Integer.toString(concurrency),
                "-d",
                seconds(duration),
                "--timeout",
                seconds(deadline),
                "-s",
                script.toString(),
                uri.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PROS_IMAGE", image.toString());
        builder.environment().put("PROS_MEDIA_TYPE", mediaType);
        builder.environment().put("PROS_TIMEOUT_MS", Long.toString(deadline.toMillis()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        String[] lines = output.split("\n");
        for (String line : lines) {
            if (line.startsWith("WRK_JSON ")) {
                JsonObject result = JsonParser.parseString(line.substring("WRK_JSON ".length()))
                        .getAsJsonObject();
                result.addProperty("cpu_seconds", childCpuSeconds(lines[lines.length - 1]));
                return result;
            }
        }
        throw new IOException("wrk printed no result (exit " + process.exitValue() + "):\n" + output);
    }

    /** {@code 0m1.250s 0m0.310s}: user + system seconds. */
    private static double childCpuSeconds(String timesLine) {
        Matcher matcher = Pattern.compile("(\\d+)m([\\d.]+)s").matcher(timesLine);
        double seconds = 0;
        while (matcher.find()) {
            seconds += Integer.parseInt(matcher.group(1)) * 60 + Double.parseDouble(matcher.group(2));
        }
        return seconds;
    }

    /** wrk reads whole seconds only. */
    private static String seconds(Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000) + "s";
    }

    static Path script(Path repositoryRoot) {
        Path script = repositoryRoot.resolve("load-tests/wrk/post-image.lua");
        if (!Files.isRegularFile(script)) {
            throw new IllegalStateException("missing " + script);
        }
        return script;
    }
}
