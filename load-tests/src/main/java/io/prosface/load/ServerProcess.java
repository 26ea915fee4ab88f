package io.prosface.load;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server (server/target/quarkus-app, built by run.sh) in its own process, configured from the scenario
 * through system properties, its log in the report folder. A shutdown hook stops it if the load test dies first.
 */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    final int port;
    final Path log;

    private ServerProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    }

    /**
     * The checkpoint to serve: {@code model.path} when it holds one, else a random stand-in of {@code model.stand-in}
     * written once by the server's own RandomCheckpoint command (answers are meaningless, the cost is real).
     */
    static Path model(Path root, Scenario scenario) throws IOException, InterruptedException {
        Path configured = root.resolve(scenario.text(Parameter.MODEL_PATH)).normalize();
        if (Files.isRegularFile(configured.resolve("config.json"))) {
            return configured;
        }
        String architecture = scenario.text(Parameter.MODEL_STAND_IN);
        Path standIn = root.resolve("load-tests/target/stand-in-" + architecture);
        System.out.println("model: " + configured + " holds no checkpoint; serving a random " + architecture
                + " stand-in (" + standIn + ")");
        if (!Files.isRegularFile(standIn.resolve("config.json"))) {
            Process writer = new ProcessBuilder(
                            "java",
                            "-cp",
                            serverClasspath(root),
                            "io.prosface.server.inference.registry.RandomCheckpoint",
                            standIn.toString(),
                            architecture)
                    .inheritIO()
                    .start();
            if (writer.waitFor() != 0) {
                throw new IllegalStateException("RandomCheckpoint failed for " + architecture);
            }
        }
        return standIn;
    }

    static ServerProcess start(Path root, Scenario scenario, Path model, Path outputDirectory)
            throws IOException, InterruptedException {
        int port = scenario.integer(Parameter.SERVER_PORT);
        if (port == 0) {
            try (ServerSocket probe = new ServerSocket(0)) {
                port = probe.getLocalPort();
            }
        }
        List<String> command = new ArrayList<>(List.of("java"));
        Arrays.stream(scenario.text(Parameter.SERVER_JVM_OPTIONS).split("\\s+"))
                .filter(option -> !option.isBlank())
                .forEach(command::add);
        command.addAll(List.of(
                "-Dquarkus.http.port=" + port,
                "-Dpros.model.path=" + model,
                "-Dpros.inference.max-batch-size=" + scenario.text(Parameter.SERVER_MAX_BATCH_SIZE),
                "-Dpros.inference.max-queue-delay=" + scenario.text(Parameter.SERVER_MAX_QUEUE_DELAY),
                "-Dpros.inference.max-queue-size=" + scenario.text(Parameter.SERVER_MAX_QUEUE_SIZE),
                "-Dpros.inference.workers=" + scenario.text(Parameter.SERVER_WORKERS),
                "-Dpros.inference.threads-per-worker=" + scenario.text(Parameter.SERVER_THREADS_PER_WORKER),
                "-Dpros.inference.reframe-faces=" + scenario.text(Parameter.SERVER_REFRAME_FACES),
                "-Dpros.inference.precision=" + scenario.text(Parameter.SERVER_PRECISION),
                "-jar",
                root.resolve("server/target/quarkus-app/quarkus-run.jar").toString()));
        Path log = outputDirectory.resolve("server.log");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DJL_OFFLINE", "true");
        ServerProcess server = new ServerProcess(builder.start(), port, log);
        server.awaitReady(scenario.duration(Parameter.SERVER_START_TIMEOUT));
        return server;
    }

    /** Ready means the model is loaded and every warm-up batch size has run (the server's readiness check). */
    private void awaitReady(Duration timeout) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        long giveUp = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < giveUp) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the server exited with " + process.exitValue() + "; its log:\n" + tail(log));
            }
            try {
                if (client.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListening) {
                // not up yet
            }
            Thread.sleep(250);
        }
        close();
        throw new IllegalStateException("the server was not ready within " + timeout + "; its log:\n" + tail(log));
    }

    /** SIGTERM: the server drains its queue and stops (quarkus.shutdown.timeout 30 s). */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    private static String serverClasspath(Path root) {
        Path app = root.resolve("server/target/quarkus-app");
        return app.resolve("lib/main") + "/*:" + app.resolve("app") + "/*";
    }

    static String tail(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
