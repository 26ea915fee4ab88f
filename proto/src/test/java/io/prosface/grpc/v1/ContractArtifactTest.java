package io.prosface.grpc.v1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What a user of the pros-face-proto artifact relies on: wire names, message encoding, stubs and the .proto files. */
class ContractArtifactTest {

    @Test
    void servicesCarryTheNamesTheServerAnswers() {
        assertEquals(
                "pros.v1.FaceAnalysis", FaceAnalysisGrpc.getServiceDescriptor().getName());
        assertEquals("pros.v1.FineTuning", FineTuningGrpc.getServiceDescriptor().getName());
        assertEquals(
                "pros.v1.FaceAnalysis",
                FaceAnalysisProto.getDescriptor()
                        .findServiceByName("FaceAnalysis")
                        .getFullName());
        assertEquals(
                "pros.v1.FineTuning",
                FineTuningProto.getDescriptor().findServiceByName("FineTuning").getFullName());
        // the HTTP/2 paths a call goes to
        assertEquals(
                "pros.v1.FaceAnalysis/Analyze",
                FaceAnalysisGrpc.getAnalyzeMethod().getFullMethodName());
        assertEquals(
                "pros.v1.FineTuning/ListJobs",
                FineTuningGrpc.getListJobsMethod().getFullMethodName());
        // the Open Inference Protocol v2 service, under the name and method paths its clients call
        assertEquals(
                "inference.GRPCInferenceService",
                io.prosface.grpc.inference.GRPCInferenceServiceGrpc.getServiceDescriptor()
                        .getName());
        assertEquals(
                "inference.GRPCInferenceService/ModelInfer",
                io.prosface.grpc.inference.GRPCInferenceServiceGrpc.getModelInferMethod()
                        .getFullMethodName());
    }

    @Test
    void requestsOfBothServicesRoundTripThroughBytes() throws InvalidProtocolBufferException {
        AnalyzeRequest analyze = AnalyzeRequest.newBuilder()
                .setImage(ByteString.copyFrom(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))
                .setFaceBox(
                        BoundingBox.newBuilder().setX(3).setY(4).setWidth(50).setHeight(60))
                .setMaxFaces(2)
                .addTasks(Task.TASK_EXPRESSION)
                .addTasks(Task.TASK_LANDMARKS)
                .setExpressionHead(HeadRef.newBuilder().setName("smile").setVersion("v2"))
                .build();
        assertEquals(analyze, AnalyzeRequest.parseFrom(analyze.toByteArray()));

        ListJobsRequest listJobs = ListJobsRequest.newBuilder()
                .setPageSize(5)
                .addStates(JobState.JOB_STATE_RUNNING)
                .setHeadName("smile")
                .build();
        assertEquals(listJobs, ListJobsRequest.parseFrom(listJobs.toByteArray()));
    }

    @Test
    void generatedStubsCallAServer() throws IOException, InterruptedException {
        String name = InProcessServerBuilder.generateName();
        Server server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new FaceAnalysisGrpc.FaceAnalysisImplBase() {
                    @Override
                    public void analyze(AnalyzeRequest request, StreamObserver<AnalyzeResponse> response) {
                        response.onNext(AnalyzeResponse.newBuilder()
                                .addFaces(Face.newBuilder().setBox(request.getFaceBox()))
                                .setImage(ImageInfo.newBuilder().setFormat("jpeg"))
                                .build());
                        response.onCompleted();
                    }
                })
                .addService(new FineTuningGrpc.FineTuningImplBase() {
                    @Override
                    public void getJob(GetJobRequest request, StreamObserver<GetJobResponse> response) {
                        response.onNext(GetJobResponse.newBuilder()
                                .setJob(Job.newBuilder()
                                        .setId(request.getJobId())
                                        .setState(JobState.JOB_STATE_SUCCEEDED))
                                .build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        ManagedChannel channel =
                InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            BoundingBox box =
                    BoundingBox.newBuilder().setWidth(10).setHeight(12).build();
            AnalyzeResponse analyzed = FaceAnalysisGrpc.newBlockingStub(channel)
                    .analyze(AnalyzeRequest.newBuilder().setFaceBox(box).build());
            assertEquals(box, analyzed.getFaces(0).getBox());
            assertEquals("jpeg", analyzed.getImage().getFormat());

            Job job = FineTuningGrpc.newBlockingStub(channel)
                    .getJob(GetJobRequest.newBuilder().setJobId("j1").build())
                    .getJob();
            assertEquals("j1", job.getId());
            assertEquals(JobState.JOB_STATE_SUCCEEDED, job.getState());
        } finally {
            channel.shutdownNow();
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void protoFilesShipAtTheirImportPaths() throws IOException {
        // protoc users of other languages take these from the jar: the paths must match the imports
        // ("pros/v1/common.proto"), as in Google's proto jars
        for (String path :
                new String[] {"pros/v1/common.proto", "pros/v1/face_analysis.proto", "pros/v1/fine_tuning.proto"}) {
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(path)) {
                assertNotNull(in, path + " is not on the classpath");
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(text.contains("package pros.v1;"), path);
            }
        }
    }
}
