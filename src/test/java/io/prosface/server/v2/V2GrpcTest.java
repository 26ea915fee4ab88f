package io.prosface.server.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.prosface.grpc.inference.GRPCInferenceServiceGrpc;
import io.prosface.grpc.inference.InferParameter;
import io.prosface.grpc.inference.InferTensorContents;
import io.prosface.grpc.inference.ModelInferRequest;
import io.prosface.grpc.inference.ModelInferResponse;
import io.prosface.grpc.inference.ModelMetadataRequest;
import io.prosface.grpc.inference.ModelMetadataResponse;
import io.prosface.grpc.inference.ModelReadyRequest;
import io.prosface.grpc.inference.ServerLiveRequest;
import io.prosface.grpc.inference.ServerMetadataRequest;
import io.prosface.grpc.inference.ServerReadyRequest;
import io.prosface.grpc.v1.Face;
import io.prosface.grpc.v1.FaceAnalysisGrpc;
import io.prosface.server.TestCheckpoint;
import io.prosface.server.TestImages;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * inference.GRPCInferenceService through a Java client generated from proto/inference/grpc_service.proto alone: a
 * batch of 4 real faces in one ModelInfer (typed and raw contents) equals pros.v1 Analyze on the same faces; metadata,
 * health, and the protocol's status codes.
 */
@QuarkusTest
@WithTestResource(value = TestCheckpoint.class, scope = TestResourceScope.GLOBAL)
class V2GrpcTest {

    @GrpcClient("face")
    GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub v2;

    @GrpcClient("face")
    FaceAnalysisGrpc.FaceAnalysisBlockingStub v1;

    private static ModelInferRequest.InferInputTensor.Builder images(int count) {
        return ModelInferRequest.InferInputTensor.newBuilder()
                .setName("images")
                .setDatatype("BYTES")
                .addShape(count);
    }

    private static ModelInferRequest.Builder faceRequest(List<byte[]> images) {
        InferTensorContents.Builder contents = InferTensorContents.newBuilder();
        images.forEach(image -> contents.addBytesContents(ByteString.copyFrom(image)));
        return ModelInferRequest.newBuilder()
                .setModelName("pros-face")
                .setId("batch-1")
                .addInputs(images(images.size()).setContents(contents));
    }

    @Test
    void aBatchOfFourFacesInOneModelInferEqualsPerImageAnalyze() {
        List<byte[]> images = V2Faces.images(4);
        ModelInferResponse typed = v2.modelInfer(faceRequest(images).build());
        ModelInferResponse raw = v2.modelInfer(ModelInferRequest.newBuilder()
                .setModelName("pros-face")
                .addInputs(images(4))
                .addRawInputContents(ByteString.copyFrom(V2Tensors.joinBytes(images)))
                .build());
        List<Face> expected = V2Faces.viaV1(v1, images);
        assertTrue(expected.stream().filter(face -> face != null).count() >= 2, "most LFPW crops show a face");
        for (ModelInferResponse response : List.of(typed, raw)) {
            assertEquals("pros-face", response.getModelName());
            assertEquals("1", response.getModelVersion());
            assertTrue(
                    response.getParametersMap().get("backbone").getStringParam().startsWith("vit_micro_patch8_32@"));
            assertMatchesV1(response, expected);
        }
        assertEquals("batch-1", typed.getId());
        assertEquals("", raw.getId());
    }

    private static void assertMatchesV1(ModelInferResponse response, List<Face> expected) {
        ModelInferResponse.InferOutputTensor found = output(response, "face_found");
        assertEquals(List.of(4L), found.getShapeList());
        for (int row = 0; row < 4; row++) {
            Face face = expected.get(row);
            assertEquals(face != null, found.getContents().getBoolContents(row), "face_found row " + row);
            float[] box = floats(output(response, "face_box"));
            if (face == null) {
                V2Faces.assertNaNRow(
                        "embedding",
                        floats(output(response, "embedding")),
                        row,
                        rowSize(output(response, "embedding")));
                continue;
            }
            assertEquals(face.getBox().getX(), box[row * 4], 1.0f);
            assertEquals(face.getBox().getWidth(), box[row * 4 + 2], 1.0f);
            for (Map.Entry<String, float[]> entry : V2Faces.rows(face).entrySet()) {
                V2Faces.assertRow(entry.getKey(), entry.getValue(), floats(output(response, entry.getKey())), row);
            }
        }
        ModelInferResponse.InferOutputTensor landmarks = output(response, "landmarks");
        assertEquals(List.of(4L, 68L, 2L), landmarks.getShapeList());
        String labels =
                output(response, "expression").getParametersMap().get("labels").getStringParam();
        Face any = expected.stream().filter(face -> face != null).findFirst().orElseThrow();
        assertEquals(
                V2Faces.labels(any.getExpression().getDistributionList()).stream()
                        .map(label -> "\"" + label + "\"")
                        .toList()
                        .toString()
                        .replace(", ", ","),
                labels);
    }

    private static int rowSize(ModelInferResponse.InferOutputTensor tensor) {
        int size = 1;
        for (int index = 1; index < tensor.getShapeCount(); index++) {
            size *= (int) tensor.getShape(index);
        }
        return size;
    }

    @Test
    void requestedOutputsOnlyAndABoxSkipsDetection() {
        List<byte[]> images = V2Faces.images(1);
        Face face = V2Faces.viaV1(v1, images).get(0);
        ModelInferResponse response = v2.modelInfer(faceRequest(images)
                .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                        .setName("boxes")
                        .setDatatype("FP32")
                        .addShape(1)
                        .addShape(4)
                        .setContents(InferTensorContents.newBuilder()
                                .addFp32Contents(face.getBox().getX())
                                .addFp32Contents(face.getBox().getY())
                                .addFp32Contents(face.getBox().getWidth())
                                .addFp32Contents(face.getBox().getHeight())))
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                        .setName("landmarks"))
                .build());
        assertEquals(
                List.of("landmarks"),
                response.getOutputsList().stream()
                        .map(ModelInferResponse.InferOutputTensor::getName)
                        .toList());
        assertEquals(136, response.getOutputs(0).getContents().getFp32ContentsCount());
    }

    @Test
    void anImageWithoutAFaceGetsFalseAndNaNRows() {
        ModelInferResponse response =
                v2.modelInfer(faceRequest(List.of(TestImages.grayPng())).build());
        assertFalse(output(response, "face_found").getContents().getBoolContents(0));
        assertTrue(Float.isNaN(output(response, "attributes").getContents().getFp32Contents(0)));
    }

    @Test
    void metadataListsTensorsWithShapesAndDatatypes() {
        ModelMetadataResponse metadata = v2.modelMetadata(
                ModelMetadataRequest.newBuilder().setName("pros-face").build());
        assertEquals(List.of("1"), metadata.getVersionsList());
        assertEquals("images", metadata.getInputs(0).getName());
        assertEquals("BYTES", metadata.getInputs(0).getDatatype());
        assertEquals(List.of(-1L), metadata.getInputs(0).getShapeList());
        assertEquals(List.of(-1L, 4L), metadata.getInputs(1).getShapeList());
        List<String> names = metadata.getOutputsList().stream()
                .map(ModelMetadataResponse.TensorMetadata::getName)
                .toList();
        assertEquals(List.of("face_found", "face_box", "attributes", "expression", "landmarks", "embedding"), names);
        assertEquals(List.of(-1L, 7L), metadata.getOutputs(3).getShapeList());
        assertEquals(List.of(-1L, 68L, 2L), metadata.getOutputs(4).getShapeList());
        ModelMetadataResponse head = v2.modelMetadata(
                ModelMetadataRequest.newBuilder().setName("expression").build());
        // other tests in this JVM may have installed later versions of 'expression': the one serving now is listed
        assertTrue(
                head.getVersionsList().contains(V2Faces.currentVersion("expression")),
                head.getVersionsList().toString());
        assertEquals("probabilities", head.getOutputs(2).getName());
    }

    @Test
    void healthAndServerMetadata() {
        assertTrue(v2.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(v2.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        assertTrue(v2.modelReady(
                        ModelReadyRequest.newBuilder().setName("pros-face").build())
                .getReady());
        assertTrue(v2.modelReady(ModelReadyRequest.newBuilder()
                        .setName("expression")
                        .setVersion(V2Faces.currentVersion("expression"))
                        .build())
                .getReady());
        assertEquals(
                "pros-face",
                v2.serverMetadata(ServerMetadataRequest.getDefaultInstance()).getName());
        assertCode(
                Status.Code.NOT_FOUND,
                "unknown model 'nobody'",
                () -> v2.modelReady(
                        ModelReadyRequest.newBuilder().setName("nobody").build()));
        assertCode(
                Status.Code.NOT_FOUND,
                "no version '999'",
                () -> v2.modelMetadata(ModelMetadataRequest.newBuilder()
                        .setName("expression")
                        .setVersion("999")
                        .build()));
    }

    @Test
    void aHeadIsItsOwnModelAndAnswersLikeItsTaskInAnalyze() {
        List<byte[]> images = V2Faces.images(2);
        List<Face> expected = V2Faces.viaV1(v1, images);
        ModelInferResponse response =
                v2.modelInfer(faceRequest(images).setModelName("expression").build());
        assertEquals(
                V2Faces.currentVersion("expression"), response.getModelVersion(), "unversioned: the current version");
        ModelInferResponse.InferOutputTensor probabilities = output(response, "probabilities");
        assertEquals(List.of(2L, 7L), probabilities.getShapeList());
        for (int row = 0; row < 2; row++) {
            if (expected.get(row) != null) {
                V2Faces.assertRow(
                        "expression", V2Faces.rows(expected.get(row)).get("expression"), floats(probabilities), row);
            }
        }
    }

    @Test
    void badRequestsAreInvalidArgumentNamingTheInput() {
        List<byte[]> images = V2Faces.images(1);
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "input 'images' must be BYTES, got FP32",
                () -> v2.modelInfer(ModelInferRequest.newBuilder()
                        .setModelName("pros-face")
                        .addInputs(images(1)
                                .setDatatype("FP32")
                                .setContents(InferTensorContents.newBuilder().addFp32Contents(1)))
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "input 'images' has shape [2]",
                () -> v2.modelInfer(faceRequest(images)
                        .setInputs(
                                0,
                                images(2)
                                        .setContents(InferTensorContents.newBuilder()
                                                .addBytesContents(ByteString.copyFrom(images.get(0)))))
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "unknown output 'smiles'",
                () -> v2.modelInfer(faceRequest(images)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("smiles"))
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "input 'images' element 1: invalid image",
                () -> v2.modelInfer(faceRequest(List.of(images.get(0), "not an image".getBytes()))
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "input 'boxes' must have shape [1,4]",
                () -> v2.modelInfer(faceRequest(images)
                        .addInputs(ModelInferRequest.InferInputTensor.newBuilder()
                                .setName("boxes")
                                .setDatatype("FP32")
                                .addShape(4)
                                .setContents(
                                        InferTensorContents.newBuilder().addAllFp32Contents(List.of(1f, 1f, 10f, 10f))))
                        .build()));
        assertCode(
                Status.Code.INVALID_ARGUMENT,
                "parameter 'classification'",
                () -> v2.modelInfer(faceRequest(images)
                        .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder()
                                .setName("expression")
                                .putParameters(
                                        "classification",
                                        InferParameter.newBuilder()
                                                .setInt64Param(3)
                                                .build()))
                        .build()));
        assertCode(
                Status.Code.NOT_FOUND,
                "unknown model 'nobody'",
                () -> v2.modelInfer(faceRequest(images).setModelName("nobody").build()));
    }

    private static void assertCode(Status.Code code, String message, Runnable call) {
        StatusRuntimeException failure = assertThrows(StatusRuntimeException.class, call::run);
        assertEquals(
                code,
                failure.getStatus().getCode(),
                String.valueOf(failure.getStatus().getDescription()));
        assertTrue(
                String.valueOf(failure.getStatus().getDescription()).contains(message),
                failure.getStatus().getDescription());
    }

    static ModelInferResponse.InferOutputTensor output(ModelInferResponse response, String name) {
        return response.getOutputsList().stream()
                .filter(output -> output.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no output " + name));
    }

    static float[] floats(ModelInferResponse.InferOutputTensor tensor) {
        List<Float> list = new ArrayList<>(tensor.getContents().getFp32ContentsList());
        float[] values = new float[list.size()];
        for (int index = 0; index < values.length; index++) {
            values[index] = list.get(index);
        }
        return values;
    }
}
