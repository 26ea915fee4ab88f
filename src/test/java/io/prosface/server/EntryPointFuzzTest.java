package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.Task;
import io.prosface.server.finetune.Archives;
import io.prosface.server.finetune.FineTuneService;
import io.prosface.server.finetune.heads.HeadStore;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over the three entry points that take client bytes: POST /v1/analyze (the body is an
 * image), gRPC FaceAnalysis/Analyze (the serialized AnalyzeRequest itself is mutated and sent as raw bytes, so the
 * server's protobuf parser sees it too) and POST /v1/finetune/jobs (a zip or tar.gz archive, or a JSON or CSV manifest
 * beside image parts). Every input must be answered within {@link #BOUND} with a status of the known set, never 500,
 * INTERNAL or silence; the server must stay live; a refused upload must write nothing (no job, no stored input, its
 * upload budget given back), and an upload a mutation left valid is cancelled.
 *
 * <p>{@code -Dfuzz.seed=N} changes the inputs, {@code -Dfuzz.count=N} the inputs per entry point (default 1000). A
 * failing input is named by entry point, index and seed, and written to {@code target/fuzz-failures/}.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class EntryPointFuzzTest {

    private static final long SEED = Long.getLong("fuzz.seed", 13L);
    private static final int COUNT = Integer.getInteger("fuzz.count", 1000);
    /** Every input is answered within this; a hang or a slow path is a failure. */
    private static final Duration BOUND = Duration.ofSeconds(10);

    private static final String ADMIN = "Bearer test-admin-key";
    private static final Set<String> ANALYZE_STATUSES = Set.of("200", "400", "404", "413", "429");
    private static final Set<String> UPLOAD_STATUSES = Set.of("202", "400", "413", "429");
    private static final Set<String> GRPC_STATUSES =
            Set.of("OK", "INVALID_ARGUMENT", "RESOURCE_EXHAUSTED", "NOT_FOUND", "UNIMPLEMENTED");
    private static final Path FAILURES = Path.of("target", "fuzz-failures");

    private static final MethodDescriptor<byte[], byte[]> RAW_ANALYZE = RawAnalyze.METHOD;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @Inject
    HeadStore store;

    @Inject
    FineTuneService service;

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(BOUND)
            .build();

    /** Sends one input and names the answer: an HTTP status, a gRPC code, or what went wrong instead. */
    interface Sender {
        String send(String seedName, byte[] input) throws Exception;
    }

    record Part(String name, String fileName, byte[] bytes) {}

    @Test
    void restAnalyzeAnswersMutatedImagesWithAKnownStatus() throws Exception {
        Map<String, byte[]> seeds = imageSeeds();
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            assertEquals("200", analyzeOverRest(seed.getKey(), seed.getValue()), "seed " + seed.getKey());
        }
        fuzz("rest-analyze", seeds, ANALYZE_STATUSES, this::analyzeOverRest);
    }

    @Test
    void grpcAnalyzeAnswersMutatedRequestMessagesWithAKnownStatus() throws Exception {
        Map<String, byte[]> seeds = requestSeeds();
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            assertEquals("OK", analyzeOverGrpc(seed.getKey(), seed.getValue()), "seed " + seed.getKey());
        }
        fuzz("grpc-analyze", seeds, GRPC_STATUSES, this::analyzeOverGrpc);
    }

    @Test
    void fineTuneUploadsOfMutatedArchivesAndManifestsAreRefusedWithoutWritingAnything() throws Exception {
        Map<String, byte[]> images = new LinkedHashMap<>();
        for (int index = 0; index < 6; index++) {
            images.put("face" + index + ".png", TestImages.encode(picture(48, index), "png"));
        }
        StringBuilder csv = new StringBuilder("image,label\n");
        StringBuilder json = new StringBuilder("{");
        images.keySet().forEach(name -> {
            String label = name.compareTo("face3") < 0 ? "open" : "closed";
            csv.append(name).append(',').append(label).append('\n');
            json.append(json.length() > 1 ? ", " : "")
                    .append('"')
                    .append(name)
                    .append("\": \"")
                    .append(label)
                    .append('"');
        });
        json.append('}');
        Map<String, byte[]> zipEntries = new LinkedHashMap<>();
        zipEntries.put("manifest.csv", csv.toString().getBytes(StandardCharsets.UTF_8));
        images.forEach((name, bytes) -> zipEntries.put("faces/" + name, bytes));
        Map<String, byte[]> tarEntries = new LinkedHashMap<>();
        tarEntries.put("labels.json", json.toString().getBytes(StandardCharsets.UTF_8));
        images.forEach((name, bytes) -> tarEntries.put("set/" + name, bytes));

        // each seed is the bytes a mutation changes, and how they travel (the other parts stay valid)
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        Map<String, Function<byte[], List<Part>>> shapes = new LinkedHashMap<>();
        seeds.put("zip", Archives.zip(zipEntries));
        shapes.put("zip", bytes -> List.of(new Part("archive", "set.zip", bytes)));
        seeds.put("tar.gz", Archives.tarGz(tarEntries));
        shapes.put("tar.gz", bytes -> List.of(new Part("archive", "set.tar.gz", bytes)));
        seeds.put("json manifest", json.toString().getBytes(StandardCharsets.UTF_8));
        shapes.put("json manifest", bytes -> withImages(images, new Part("manifest", "labels.json", bytes)));
        seeds.put("csv manifest", csv.toString().getBytes(StandardCharsets.UTF_8));
        shapes.put("csv manifest", bytes -> withImages(images, new Part("manifest", "labels.csv", bytes)));

        Sender upload = (seedName, input) -> upload(shapes.get(seedName).apply(input));
        for (Map.Entry<String, byte[]> seed : seeds.entrySet()) {
            assertEquals("202", upload.send(seed.getKey(), seed.getValue()), "seed " + seed.getKey());
        }
        fuzz("finetune-upload", seeds, UPLOAD_STATUSES, upload);
    }

    /** Sends COUNT mutants of the seeds, checks each answer and the server's liveness, then prints a summary. */
    private void fuzz(String target, Map<String, byte[]> seeds, Set<String> known, Sender sender) throws Exception {
        List<String> names = new ArrayList<>(seeds.keySet());
        Map<String, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        long started = System.nanoTime();
        long slowest = 0;
        for (int index = 0; index < COUNT; index++) {
            // one generator per input: (seed, target, index) regenerates any input on its own
            SplittableRandom random =
                    new SplittableRandom(SEED * 0x9E3779B97F4A7C15L + target.hashCode() * 31L + index);
            String seedName = names.get(random.nextInt(names.size()));
            ByteMutator.Mutant mutant = ByteMutator.mutate(seeds.get(seedName), random);
            long start = System.nanoTime();
            String status;
            try {
                status = sender.send(seedName, mutant.bytes());
            } catch (Exception e) {
                status = "no answer (" + e + ")";
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            slowest = Math.max(slowest, millis);
            statuses.merge(status, 1, Integer::sum);
            if (!known.contains(status) || millis > BOUND.toMillis()) {
                Path saved = FAILURES.resolve(target + "-seed" + SEED + "-" + index + ".bin");
                Files.createDirectories(FAILURES);
                Files.write(saved, mutant.bytes());
                failures.add(String.format(
                        "%s #%d (fuzz.seed %d) from %s [%s]: %s after %d ms, input in %s",
                        target, index, SEED, seedName, mutant.description(), status, millis, saved));
            }
            if (index % 50 == 49) {
                assertLive(target + " after input #" + index);
            }
        }
        assertLive(target + " at the end");
        System.out.printf(
                "fuzz %s: %d inputs (fuzz.seed %d) in %.1f s, slowest %d ms, statuses %s%n",
                target, COUNT, SEED, (System.nanoTime() - started) / 1e9, slowest, statuses);
        assertTrue(
                failures.isEmpty(),
                failures.size() + " inputs not answered with a known status within " + BOUND + ":\n"
                        + String.join("\n", failures.subList(0, Math.min(20, failures.size()))));
    }

    private String analyzeOverRest(String seedName, byte[] image) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/analyze"))
                .timeout(BOUND)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image))
                .build();
        return String.valueOf(
                http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode());
    }

    private String analyzeOverGrpc(String seedName, byte[] message) {
        try {
            ClientCalls.blockingUnaryCall(
                    blocking.getChannel(),
                    RAW_ANALYZE,
                    CallOptions.DEFAULT.withDeadlineAfter(BOUND.toMillis(), TimeUnit.MILLISECONDS),
                    message);
            return Status.Code.OK.name();
        } catch (StatusRuntimeException failure) {
            return failure.getStatus().getCode().name();
        }
    }

    /** Posts one upload; a 202 is cancelled at once, anything else must have left every table as it was. */
    private String upload(List<Part> files) throws Exception {
        Map<String, Long> before = store.counts();
        List<Part> parts = new ArrayList<>(List.of(
                text("kind", "classification"),
                text("head_name", "fuzzed"),
                text("crop", "none"),
                text("epochs", "1")));
        parts.addAll(files);
        String boundary = "fuzz-" + Long.toHexString(System.nanoTime());
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/finetune/jobs"))
                .timeout(BOUND)
                .header("Authorization", ADMIN)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(multipart(boundary, parts)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        String status = String.valueOf(response.statusCode());
        if (response.statusCode() == 202) {
            String id = new ObjectMapper().readTree(response.body()).get("id").asText();
            HttpRequest cancel = HttpRequest.newBuilder(uri("/v1/finetune/jobs/" + id))
                    .timeout(BOUND)
                    .header("Authorization", ADMIN)
                    .DELETE()
                    .build();
            int cancelled =
                    http.send(cancel, HttpResponse.BodyHandlers.discarding()).statusCode();
            return cancelled == 200 ? status : status + " but its cancel got " + cancelled;
        }
        Map<String, Long> after = store.counts();
        // jobs of earlier tests may still finish meanwhile (inputs dropped), but a refusal adds no job and no input
        if (!after.get("finetune_job").equals(before.get("finetune_job"))) {
            return status + " but a job was written";
        }
        if (after.get("finetune_job_input") > before.get("finetune_job_input")) {
            return status + " but inputs were written";
        }
        if (service.uploadBytesInFlight() != 0) {
            return status + " but its upload budget was not given back";
        }
        return status;
    }

    private void assertLive(String when) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/q/health/live"))
                .timeout(BOUND)
                .GET()
                .build();
        assertEquals(
                200, http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode(), "live " + when);
    }

    private static URI uri(String path) {
        return URI.create("http://localhost:" + RestAssured.port + path);
    }

    /** Small JPEG, PNG and WebP pictures, and the LFPW face when the shared data is there (a real detector hit). */
    private static Map<String, byte[]> imageSeeds() {
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put("jpeg", TestImages.encode(picture(64, 1), "jpg"));
        seeds.put("png", TestImages.encode(picture(48, 2), "png"));
        seeds.put("webp", io.prosface.core.data.TestImages.solidWebp(40, 30, 200, 150, 120));
        Path face = TestImages.DATA.resolve("lfpw").resolve("train").resolve(TestImages.LFPW_FACE + ".jpg");
        if (Files.isRegularFile(face)) {
            seeds.put("lfpw jpeg", TestImages.read(face));
        }
        return seeds;
    }

    /** Serialized AnalyzeRequests that use every field, around the image seeds. */
    private static Map<String, byte[]> requestSeeds() {
        Map<String, byte[]> images = imageSeeds();
        Map<String, byte[]> seeds = new LinkedHashMap<>();
        seeds.put(
                "request jpeg",
                AnalyzeRequest.newBuilder()
                        .setImage(bytes(images.get("jpeg")))
                        .build()
                        .toByteArray());
        seeds.put(
                "request png box",
                AnalyzeRequest.newBuilder()
                        .setImage(bytes(images.get("png")))
                        .setFaceBox(BoundingBox.newBuilder()
                                .setX(4)
                                .setY(4)
                                .setWidth(40)
                                .setHeight(40))
                        .addTasks(Task.TASK_EXPRESSION)
                        .addTasks(Task.TASK_LANDMARKS)
                        .build()
                        .toByteArray());
        seeds.put(
                "request webp heads",
                AnalyzeRequest.newBuilder()
                        .setImage(bytes(images.get("webp")))
                        .setMaxFaces(2)
                        .setAttributesHead(
                                HeadRef.newBuilder().setName("attributes").setVersion("v1"))
                        .setLandmarksHead(HeadRef.newBuilder().setName("landmarks"))
                        .build()
                        .toByteArray());
        if (images.containsKey("lfpw jpeg")) {
            seeds.put(
                    "request lfpw",
                    AnalyzeRequest.newBuilder()
                            .setImage(bytes(images.get("lfpw jpeg")))
                            .addTasks(Task.TASK_ATTRIBUTES)
                            .addTasks(Task.TASK_EMBEDDING)
                            .build()
                            .toByteArray());
        }
        return seeds;
    }

    private static com.google.protobuf.ByteString bytes(byte[] bytes) {
        return com.google.protobuf.ByteString.copyFrom(bytes);
    }

    /** A face-like drawing (an ellipse with two eyes) on a coloured ground. */
    private static BufferedImage picture(int size, int variant) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(40 * variant % 256, 90, 160));
        graphics.fillRect(0, 0, size, size);
        graphics.setColor(new Color(220, 180, 150));
        graphics.fillOval(size / 6, size / 8, 2 * size / 3, 3 * size / 4);
        graphics.setColor(Color.DARK_GRAY);
        graphics.fillOval(size / 3, size / 3, size / 10, size / 12 + variant % 3);
        graphics.fillOval(size / 2 + size / 12, size / 3, size / 10, size / 12);
        graphics.dispose();
        return image;
    }

    private static List<Part> withImages(Map<String, byte[]> images, Part manifest) {
        List<Part> parts = new ArrayList<>();
        images.forEach((name, bytes) -> parts.add(new Part("images", name, bytes)));
        parts.add(manifest);
        return parts;
    }

    private static Part text(String name, String value) {
        return new Part(name, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] multipart(String boundary, List<Part> parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (Part part : parts) {
            String header = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + part.name() + "\""
                    + (part.fileName() == null
                            ? ""
                            : "; filename=\"" + part.fileName() + "\"\r\n" + "Content-Type: application/octet-stream")
                    + "\r\n\r\n";
            body.writeBytes(header.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(part.bytes());
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }
}
