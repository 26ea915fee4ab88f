package io.prosface.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.prosface.grpc.v1.AnalyzeRequest;
import io.prosface.grpc.v1.AnalyzeResponse;
import io.prosface.grpc.v1.AnalyzeStreamRequest;
import io.prosface.grpc.v1.AnalyzeStreamResponse;
import io.prosface.grpc.v1.BoundingBox;
import io.prosface.grpc.v1.BoxSource;
import io.prosface.grpc.v1.EmbedRequest;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.FaceAnalysis;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.grpc.v1.HeadRef;
import io.prosface.grpc.v1.PredictAttributesRequest;
import io.prosface.grpc.v1.PredictExpressionRequest;
import io.prosface.grpc.v1.PredictExpressionResponse;
import io.prosface.grpc.v1.PredictLandmarksRequest;
import io.prosface.grpc.v1.Task;
import io.prosface.server.inference.MetricNames;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Every RPC of pros.v1.FaceAnalysis on a real face, stream ordering, and batching under concurrency. */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class GrpcApiTest {

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub blocking;

    @GrpcClient("face")
    FaceAnalysis client;

    private static ByteString face() {
        return ByteString.copyFrom(TestImages.lfpwJpeg());
    }

    @Test
    void analyzeAnswersEveryDefaultTaskFromOnePass() {
        AnalyzeResponse response =
                blocking.analyze(AnalyzeRequest.newBuilder().setImage(face()).build());
        assertEquals(1, response.getFacesCount());
        Face face = response.getFaces(0);
        assertEquals(BoxSource.BOX_SOURCE_DETECTED, face.getBoxSource());
        assertTrue(face.getDetectionScore() >= 5, "Haar cascade: at least minNeighbors merged hits");
        FaceAssertions.assertProtoFace(face, true, true, true, true);
        assertEquals("jpeg", response.getImage().getFormat());
        assertTrue(response.getModel().getBackbone().startsWith("vit_micro_patch8_32@"));
        assertEquals(3, response.getModel().getHeadsCount());
        assertTrue(response.getTiming().getTotal().getNanos() > 0
                || response.getTiming().getTotal().getSeconds() > 0);
    }

    @Test
    void theSingleTaskRpcsAnswerOnlyTheirTask() {
        FaceAssertions.assertProtoFace(
                blocking.predictAttributes(PredictAttributesRequest.newBuilder()
                                .setImage(face())
                                .build())
                        .getFaces(0),
                true,
                false,
                false,
                false);
        FaceAssertions.assertProtoFace(
                blocking.predictExpression(PredictExpressionRequest.newBuilder()
                                .setImage(face())
                                .build())
                        .getFaces(0),
                false,
                true,
                false,
                false);
        FaceAssertions.assertProtoFace(
                blocking.predictLandmarks(PredictLandmarksRequest.newBuilder()
                                .setImage(face())
                                .build())
                        .getFaces(0),
                false,
                false,
                true,
                false);
        FaceAssertions.assertProtoFace(
                blocking.embed(EmbedRequest.newBuilder().setImage(face()).build())
                        .getFaces(0),
                false,
                false,
                false,
                true);
    }

    @Test
    void aClientBoxIsClippedToTheImageAndAnsweredAlone() {
        AnalyzeResponse response = blocking.analyze(AnalyzeRequest.newBuilder()
                .setImage(face())
                .setFaceBox(BoundingBox.newBuilder()
                        .setX(-10)
                        .setY(30)
                        .setWidth(150)
                        .setHeight(160))
                .addTasks(Task.TASK_LANDMARKS)
                .setLandmarksHead(HeadRef.newBuilder().setName("landmarks").setVersion("v1"))
                .build());
        Face face = response.getFaces(0);
        assertEquals(BoxSource.BOX_SOURCE_CLIENT, face.getBoxSource());
        assertEquals(
                BoundingBox.newBuilder()
                        .setX(0)
                        .setY(30)
                        .setWidth(140)
                        .setHeight(160)
                        .build(),
                face.getBox());
        FaceAssertions.assertProtoFace(face, false, false, true, false);
    }

    @Test
    void anImageWithoutAFaceGetsAnEmptyList() {
        AnalyzeResponse response = blocking.analyze(AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(TestImages.grayPng()))
                .build());
        assertEquals(0, response.getFacesCount());
        assertEquals(160, response.getImage().getWidth());
    }

    @Test
    void streamAnswersTwentyFramesInOrderAndReportsABadFrameWithoutEndingTheStream() {
        ByteString image = face();
        List<AnalyzeStreamRequest> frames = new ArrayList<>();
        for (long id = 100; id < 120; id++) {
            ByteString bytes = id == 107 ? ByteString.copyFromUtf8("not an image") : image;
            frames.add(AnalyzeStreamRequest.newBuilder()
                    .setFrameId(id)
                    .setRequest(AnalyzeRequest.newBuilder()
                            .setImage(bytes)
                            .addTasks(Task.TASK_LANDMARKS)
                            .setFaceBox(BoundingBox.newBuilder()
                                    .setX(20)
                                    .setY(20)
                                    .setWidth(150)
                                    .setHeight(160)))
                    .build());
        }
        List<AnalyzeStreamResponse> answers = client.analyzeStream(
                        Multi.createFrom().iterable(frames))
                .collect()
                .asList()
                .await()
                .atMost(Duration.ofSeconds(60));
        assertEquals(
                LongStream.range(100, 120).boxed().toList(),
                answers.stream().map(AnalyzeStreamResponse::getFrameId).toList(),
                "responses in request order");
        for (AnalyzeStreamResponse answer : answers) {
            if (answer.getFrameId() == 107) {
                assertFalse(answer.hasResponse());
                assertEquals(
                        io.grpc.Status.Code.INVALID_ARGUMENT.value(),
                        answer.getError().getCode());
                assertTrue(
                        answer.getError().getMessage().contains("UNSUPPORTED_FORMAT"),
                        answer.getError().getMessage());
            } else {
                FaceAssertions.assertProtoFace(answer.getResponse().getFaces(0), false, false, true, false);
            }
        }
    }

    /**
     * The service definition is rebuilt to parse AnalyzeStream's frames leniently (StreamFrameDecoding): server
     * reflection, which clients such as {@code buf curl} need, must still list and describe the service.
     */
    @Test
    void serverReflectionStillListsAndDescribesFaceAnalysis() throws Exception {
        List<ServerReflectionResponse> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
        io.grpc.stub.StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(
                        blocking.getChannel())
                .serverReflectionInfo(new io.grpc.stub.StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse answer) {
                        answers.add(answer);
                    }

                    @Override
                    public void onError(Throwable failure) {
                        done.completeExceptionally(failure);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onNext(ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("pros.v1.FaceAnalysis")
                .build());
        requests.onCompleted();
        done.get(30, java.util.concurrent.TimeUnit.SECONDS);

        assertTrue(
                answers.get(0).getListServicesResponse().getServiceList().stream()
                        .anyMatch(service -> service.getName().equals("pros.v1.FaceAnalysis")),
                answers.get(0).toString());
        boolean described = false;
        for (ByteString file : answers.get(1).getFileDescriptorResponse().getFileDescriptorProtoList()) {
            com.google.protobuf.DescriptorProtos.FileDescriptorProto proto =
                    com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(file);
            described |= proto.getServiceList().stream()
                    .anyMatch(service -> service.getName().equals("FaceAnalysis")
                            && service.getMethodList().stream()
                                    .anyMatch(method -> method.getName().equals("AnalyzeStream")));
        }
        assertTrue(described, "the file descriptor of pros.v1.FaceAnalysis, with AnalyzeStream");
    }

    @Test
    void concurrentRequestsShareBatches() {
        String before = Metrics.scrape();
        PredictExpressionRequest request = PredictExpressionRequest.newBuilder()
                .setImage(face())
                .setFaceBox(
                        BoundingBox.newBuilder().setX(20).setY(20).setWidth(150).setHeight(160))
                .build();
        List<Uni<PredictExpressionResponse>> calls = new ArrayList<>();
        for (int index = 0; index < 16; index++) {
            calls.add(client.predictExpression(request));
        }
        List<PredictExpressionResponse> answers =
                Uni.join().all(calls).andFailFast().await().atMost(Duration.ofSeconds(60));
        answers.forEach(answer -> FaceAssertions.assertProtoFace(answer.getFaces(0), false, true, false, false));

        String after = Metrics.scrape();
        String batch = MetricNames.BATCH_SIZE.replace('.', '_');
        double batches = Metrics.value(after, batch + "_count") - Metrics.value(before, batch + "_count");
        double singles = Metrics.value(after, batch + "_bucket", "le=\"1.0\"")
                - Metrics.value(before, batch + "_bucket", "le=\"1.0\"");
        assertTrue(batches < 16, "16 faces took " + batches + " batches");
        assertTrue(
                singles < batches,
                "some batch held more than one face: " + batches + " batches, " + singles + " of size 1");
        double ok = Metrics.value(
                after, "pros_requests_total", "method=\"PredictExpression\"", "status=\"OK\"", "api=\"grpc\"");
        assertTrue(ok >= 16, "requests counted by method and status: " + ok);
    }
}
